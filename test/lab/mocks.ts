/**
 * Pulumi mocks for lab tests: every registered resource is recorded with its inputs. A LabKey
 * gets a public key made from its comment; hosts get addresses from their names; a stack
 * reference (the lab reading its own last outputs) answers with `previous`; a Tencent host named
 * in `recordedUserData` answers with that user-data (as one made by an earlier bootstrap would).
 */
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export const registered: Registered[] = [];
export const previous: { outputs: Record<string, unknown> } = { outputs: {} };
/** What a host resource (by name) recorded as its user-data, where it is not its input: a host made by an earlier bootstrap. */
export const recordedUserData: Record<string, string> = {};

/** A syntactically valid ed25519 public key line unique to `seed`. */
export function fakeKey(seed: string): string {
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const body = Buffer.alloc(32);
  Buffer.from(seed).copy(body);
  return `ssh-ed25519 ${Buffer.concat([str(Buffer.from("ssh-ed25519")), str(body)]).toString("base64")} ${seed}`;
}

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      const { __provider: _p, ...inputs } = args.inputs as Record<string, unknown>;
      registered.push({ type: args.type, name: args.name, inputs });
      const n = registered.length;
      const extra: Record<string, unknown> =
        args.type === "pulumi:pulumi:StackReference" ? { outputs: previous.outputs, secretOutputNames: [] }
        : args.type === "pulumi-nodejs:dynamic/berth:LabKey" ? { publicKey: fakeKey(String(args.inputs.comment)), privateKey: `PRIVATE-${String(args.inputs.comment)}` }
        : args.type === "pulumi-nodejs:dynamic/berth:LocalVm" ? { ip: `172.30.0.${n}`, sshPort: 40000 + n, hostKeyFingerprint: `SHA256:${args.name}`, privateKey: "vm-admin-key" }
        : args.type === "digitalocean:index/droplet:Droplet" ? { ipv4Address: `203.0.113.${n}`, ipv4AddressPrivate: `10.104.0.${n}` }
        : args.type === "pulumi-nodejs:dynamic/berth:CacheServices" ? { imageRef: "berth-local/cache:0123456789abcdef", containers: ["berth-cache-front", "berth-cache-registry", "berth-cache-pypi"] }
        : args.type === "digitalocean:index/sshKey:SshKey" ? { fingerprint: "aa:bb:cc" }
        : args.type === "berth:test:TencentLabNetwork" ? { securityGroupId: "sg-lab0001", keyId: "skey-lab0001" }
        : args.type === "berth:test:TencentInstance" ? { publicIp: `198.51.100.${n}` }
        : args.type === "pulumi-nodejs:dynamic/berth:TencentLabNetwork" ? { securityGroupId: "sg-mock0001", keyId: "skey-mock0001" }
        : args.type === "pulumi-nodejs:dynamic/berth:TencentInstance" ? { publicIp: `198.51.100.${n}`, ...(recordedUserData[args.name] !== undefined ? { userData: recordedUserData[args.name] } : {}) }
        : args.type === "pulumi-nodejs:dynamic/berth:AppDeployment" ? { seenHostKey: `SHA256:seen-${args.name}` }
        : {};
      return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
    },
    call: (args) => args.inputs,
  },
  "berth",
  "lab-test",
  false,
  "organization",
);

export function reset(): void {
  registered.length = 0;
  previous.outputs = {};
  for (const k of Object.keys(recordedUserData)) delete recordedUserData[k];
}

export function setConfig(config: Record<string, unknown>, secrets: string[] = []): void {
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])), secrets);
}

export function valueOf<T>(o: pulumi.Output<T> | T): Promise<T> {
  if (!pulumi.Output.isInstance(o)) return Promise.resolve(o as T);
  return new Promise((resolve) => (o as pulumi.Output<T>).apply((v) => (resolve(v), v)));
}

export async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
}
