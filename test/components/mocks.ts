/** Pulumi mocks for component tests: every registered resource is recorded with its inputs. */
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export const registered: Registered[] = [];

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
      const extra: Record<string, unknown> =
        args.type === "digitalocean:index/droplet:Droplet" ? { ipv4Address: "203.0.113.5" }
        : args.type === "digitalocean:index/sshKey:SshKey" ? { fingerprint: "aa:bb:cc" }
        : args.type === "digitalocean:index/reservedIp:ReservedIp" ? { ipAddress: "198.51.100.9" }
        : args.type.startsWith("pulumi-nodejs:dynamic/berth:") ? { publicIp: "203.0.113.77", ip: "172.20.0.9", sshPort: 32999, hostKeyFingerprint: "SHA256:local", privateKey: "generated-private-key", seenHostKey: "SHA256:seen", phase: "ready", mirrors: {} }
        : {};
      const id = args.type === "digitalocean:index/droplet:Droplet" ? "4242" : `${args.name}-id`;
      return { id, state: { ...args.inputs, ...extra } };
    },
    call: (args) => args.inputs,
  },
  "berth",
  "test",
  false,
);

export function resetRegistry(): void {
  registered.length = 0;
}

export function promiseOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => (resolve(v), v)));
}

/** Inputs as the mocks see them: secrets arrive wrapped with a `value` field. */
export function isSecretInput(v: unknown): boolean {
  return typeof v === "object" && v !== null && "4dabf18193072939515e22adb298388d" in v && (v as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270";
}

export function setConfig(config: Record<string, unknown>, secrets: string[] = []): void {
  const flat = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  pulumi.runtime.setAllConfig(flat, secrets);
}

/** Let pending registrations finish. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}
