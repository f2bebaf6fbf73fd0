// helpers.ts — shared fixtures for the Tencent Cloud tests: the local API stand-in, test
// credentials (fake, accepted only by the stand-in) and a host spec.
import { tencentApi, type TencentApi, type TencentClientOptions } from "../../src/components/tencent/client.js";
import type { InstanceSpec } from "../../src/components/tencent/instance.js";
import { startTencentApiServer, type ServerOptions, type TencentApiServer } from "./server.js";

export const SECRET_ID = "AKIDberthStandIn0000000000000000000";
export const SECRET_KEY = "berthStandInSecretKey00000000000000";
export const REGION = "ap-guangzhou";
/** An OpenSSH RSA public key (ImportKeyPair takes RSA only); its private half was thrown away. */
export const PUBLIC_KEY =
  "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCir/jvFG7UtXBuMO32/xXA3AUJnLfwNeSSI3OABs391mSeVF5z3Y8RrCy7w4V36L2Mgte0JUGM1wfqLbKUrgwD0nimZad7bzvabFWnYsZneG6dfoF7ULCOKAAJczRqkME3XfQRa8DJsZvN9q8bJyeX5zIq44afP05UvOnlQLgMObANe9U2Ib6i0mjRie3xjYOVpLoUBH4zudwVyDq8FarDOpHnfW416INyBiSzpZnORv6U7c2TVH8vQNW1JGLONNf5dcISE+OzpqUMd53tJaJknI2J/RH9ZW2X+eLsGbJZoptd36++XyD/kZWjobONqSNkQ+HWYDDDCvklbpBZQbAn lab@berth";
/** A well-formed ed25519 key: what Tencent's ImportKeyPair refuses. */
export const ED25519_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHh0ZXN0a2V5Zm9yYmVydGh0ZW5jZW50c3RhbmRpbg lab@berth";

export function startServer(options: ServerOptions = {}): Promise<TencentApiServer> {
  return startTencentApiServer({ credentials: { [SECRET_ID]: SECRET_KEY }, ...options });
}

/** Official-SDK clients pointed at the stand-in; fast polls and backoff so tests never sleep long. */
export function apiFor(server: TencentApiServer, overrides: Partial<TencentClientOptions> = {}): TencentApi {
  return tencentApi({
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    region: REGION,
    endpoint: server.url,
    retry: { attempts: 4, baseMs: 1, maxMs: 4 },
    poll: { intervalMs: 1, maxPolls: 20 },
    ...overrides,
  });
}

export const USER_DATA = "#cloud-config\npackage_update: true\nruncmd:\n  - [sh, -c, 'echo 你好 > /etc/motd']\n";

export function spec(overrides: Partial<InstanceSpec> = {}): InstanceSpec {
  return {
    name: "lab-07",
    zone: "ap-guangzhou-3",
    imageId: "img-487zeit5",
    instanceType: "S5.MEDIUM4",
    userData: USER_DATA,
    publicKey: PUBLIC_KEY,
    sshCidrs: ["203.0.113.0/24", "198.51.100.7/32"],
    appPorts: [8080, 8888],
    appUdpPorts: [],
    appCidrs: ["0.0.0.0/0"],
    bandwidthOut: 10,
    systemDiskGb: 50,
    ...overrides,
  };
}

/** Nothing left in the stand-in's account. */
export function isEmpty(server: TencentApiServer): boolean {
  const s = server.state;
  return s.instances.size === 0 && s.securityGroups.size === 0 && s.keyPairs.size === 0;
}
