/**
 * A DigitalOcean host: SSH key (when a public key is given), droplet with the user-data,
 * firewall (SSH from the allowed CIDRs, the app's ports from anywhere, all egress), and an
 * optional reserved IP. Changing user_data or ssh_keys replaces the droplet.
 */
import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/load.js";
import { DO_IMAGES } from "../config/sections/host.js";
import { publishedPorts } from "./ports.js";

export const DO_DEFAULTS = { region: "sgp1", size: "s-1vcpu-2gb" } as const;

const ANYWHERE = ["0.0.0.0/0", "::/0"];

/** TCP ports opened only to some ranges (a cache host's port 80 to the lab's VPC). */
export interface PrivatePorts {
  readonly ports: readonly number[];
  readonly from: readonly string[];
}

export function firewallRules(cfg: StackConfig, privatePorts?: PrivatePorts): { inbound: digitalocean.types.input.FirewallInboundRule[]; outbound: digitalocean.types.input.FirewallOutboundRule[] } {
  const app = publishedPorts(cfg.app?.ports ?? []);
  return {
    inbound: [
      { protocol: "tcp", portRange: "22", sourceAddresses: [...cfg.host.allowSsh] },
      ...app.map((p) => ({ protocol: p.protocol, portRange: String(p.port), sourceAddresses: ANYWHERE })),
      ...(privatePorts?.ports ?? []).map((p) => ({ protocol: "tcp", portRange: String(p), sourceAddresses: [...(privatePorts?.from ?? [])] })),
    ],
    outbound: [
      { protocol: "tcp", portRange: "1-65535", destinationAddresses: ANYWHERE },
      { protocol: "udp", portRange: "1-65535", destinationAddresses: ANYWHERE },
      { protocol: "icmp", destinationAddresses: ANYWHERE },
    ],
  };
}

export interface DigitalOceanHost {
  readonly ip: pulumi.Output<string>;
  /** The droplet's address in its VPC. */
  readonly privateIp: pulumi.Output<string>;
  readonly droplet: digitalocean.Droplet;
}

/**
 * One droplet. In a lab (`lab` given) the droplets share the lab's SSH key and firewall (applied
 * by tag), so each host adds only its droplet (and reserved IP). `privatePorts` (a cache host's
 * port 80) are opened to the given ranges only, in a firewall of the host's own — also in a lab,
 * whose cache does not carry the lab firewall's tag (that firewall opens the students' app ports
 * to everyone).
 */
export function digitalOceanHost(name: string, cfg: StackConfig, userData: pulumi.Input<string>, parent: pulumi.Resource, lab?: { sshKeys: pulumi.Input<string>[]; tags: pulumi.Input<string[]> }, privatePorts?: PrivatePorts, opts: pulumi.CustomResourceOptions = {}): DigitalOceanHost {
  const h = cfg.host;
  const region = h.region ?? DO_DEFAULTS.region;
  const key = h.sshPublicKey && !lab ? new digitalocean.SshKey(`${name}-key`, { name: `${name}-berth`, publicKey: h.sshPublicKey }, { parent }) : undefined;
  const droplet = new digitalocean.Droplet(`${name}-droplet`, {
    name: h.name ?? name,
    region,
    size: h.size ?? DO_DEFAULTS.size,
    image: h.image ?? DO_IMAGES[h.os] ?? h.os,
    userData,
    sshKeys: [...h.sshKeys, ...(key ? [key.fingerprint] : []), ...(lab?.sshKeys ?? [])],
    tags: pulumi.output(lab?.tags ?? []).apply((t) => ["berth", ...h.tags, ...t]),
    monitoring: h.monitoring,
    ...(h.vpcUuid ? { vpcUuid: h.vpcUuid } : {}),
  }, { parent, ...opts });
  if (!lab || privatePorts) {
    const rules = firewallRules(cfg, privatePorts);
    new digitalocean.Firewall(`${name}-firewall`, {
      name: `${name}-berth`,
      dropletIds: [droplet.id.apply(Number)],
      inboundRules: rules.inbound,
      outboundRules: rules.outbound,
    }, { parent });
  }
  const reserved = h.reservedIp ? new digitalocean.ReservedIp(`${name}-ip`, { region, dropletId: droplet.id.apply(Number) }, { parent }) : undefined;
  return { ip: reserved ? reserved.ipAddress : droplet.ipv4Address, privateIp: droplet.ipv4AddressPrivate, droplet };
}
