// The keys of a stack before its sections: namespaces nobody reads, plaintext secrets; and every
// problem in one run, even when another section is broken.
import { describe, expect, it } from "vitest";
import { load } from "../../src/config/load.js";
import { SectionSecrets } from "../../src/config/secrets.js";
import { configOf, errorsOf, PUBKEY } from "../helpers/config.js";

const B = { mirror: "tuna" };
const READS = "(it reads berth:, tencentcloud:, digitalocean:, pulumi:; berth's settings are berth:host, berth:bootstrap, berth:app, berth:lab, berth:cache, berth:sshPrivateKey)";

describe("a key no part of the program reads is an error, not a silent default", () => {
  it.each<[string, Record<string, unknown>, string]>([
    ["a misspelt namespace", { "berht:host": { provider: "digitalocean" } }, `berht:host: no part of this program reads the namespace "berht" — did you mean "berth:host"? ${READS}`],
    ["a capitalised namespace", { "Berth:bootstrap": { mirror: "aliyun" } }, `Berth:bootstrap: no part of this program reads the namespace "Berth" — did you mean "berth:bootstrap"? ${READS}`],
    ["a namespace far from any", { "aws:region": "us-east-1" }, `aws:region: no part of this program reads the namespace "aws" — remove it ${READS}`],
    ["a Tencent Cloud setting berth's provider does not read", { "tencentcloud:region": "ap-guangzhou" }, 'tencentcloud:region: unknown Tencent Cloud setting "region" — expected one of (secretId, secretKey, endpoint) — the region is berth:host.region'],
    ["a misspelt berth setting, with sshPrivateKey among the known ones", { "berth:sshPrivatekey": "x" }, 'berth:sshPrivatekey: unknown setting "sshPrivatekey" — did you mean "sshPrivateKey"? (host, bootstrap, app, lab, cache, sshPrivateKey)'],
  ])("%s", (_name, raw, message) => {
    expect(errorsOf({ ...raw, "berth:bootstrap": B })).toEqual([message]);
  });

  it("takes the DigitalOcean provider's and Pulumi's own keys", () => {
    expect(configOf({ "digitalocean:apiEndpoint": "https://api.digitalocean.com", "pulumi:tags": '{"team":"lab"}', "berth:bootstrap": B }).host.provider).toBe("local");
  });
});

describe("secrets in plaintext are refused with the command that stores them", () => {
  const APP = { image: "reg.lab/app:v1", registry: { server: "reg.lab", username: "ci", password: "hunter2" }, secretEnv: { API_TOKEN: "tok-123" } };
  const raw = { "berth:bootstrap": B, "berth:app": APP, "berth:sshPrivateKey": "-----BEGIN OPENSSH PRIVATE KEY-----", "tencentcloud:secretKey": "tc-key", "digitalocean:token": "dop_v1_x" };
  const plain = (what: string) => `${what} in plaintext — a stack file is meant to be committed, and Pulumi would keep it unencrypted; store it as a Pulumi secret: `;
  const EXPECTED = [
    `berth:sshPrivateKey: ${plain("a private key")}pulumi config set --secret berth:sshPrivateKey < ~/.ssh/id_ed25519`,
    `berth:app.registry.password: ${plain("a registry password")}pulumi config set --secret --path 'berth:app.registry.password' (berth deploy reads BERTH_REGISTRY_PASSWORD instead)`,
    `berth:app.secretEnv.API_TOKEN: ${plain("a secret value")}pulumi config set --secret --path 'berth:app.secretEnv.API_TOKEN' (or move it to berth:app.env if it is not secret)`,
    `tencentcloud:secretKey: ${plain("a cloud API key")}pulumi config set --secret tencentcloud:secretKey (or TENCENTCLOUD_SECRET_KEY in the environment)`,
    `digitalocean:token: ${plain("a cloud API token")}pulumi config set --secret digitalocean:token (or DIGITALOCEAN_TOKEN in the environment)`,
  ];

  it("in a stack file (berth render): every plaintext secret, and never its value", () => {
    const errors = errorsOf(raw);
    expect(errors).toEqual(EXPECTED);
    for (const secret of ["hunter2", "tok-123", "BEGIN OPENSSH", "tc-key", "dop_v1_x"]) expect(errors.join("\n")).not.toContain(secret);
  });

  it("takes the same values as { secure } in the file, and decrypted under Pulumi when the file held them as secure", () => {
    const enc = { secure: "v1:abc" };
    const file = { ...raw, "berth:app": { ...APP, registry: { ...APP.registry, password: enc }, secretEnv: { API_TOKEN: enc } }, "berth:sshPrivateKey": enc, "tencentcloud:secretKey": enc, "digitalocean:token": enc };
    expect(load(file, { baseDir: "/proj" }).ok).toBe(true);
    const secrets = new SectionSecrets();
    for (const [k, v] of Object.entries(file)) secrets.collect(k, v);
    // Under `pulumi up` the same keys arrive decrypted; the file says which were secure.
    expect(load(raw, { baseDir: "/proj", isSecret: secrets.isSecret }).ok).toBe(true);
    // A plaintext value the file holds as plain stays refused, whatever the runtime's key list says.
    const mixed = new SectionSecrets();
    mixed.collect("berth:app", { ...APP, secretEnv: { API_TOKEN: enc } });
    const r = load({ "berth:bootstrap": B, "berth:app": APP }, { baseDir: "/proj", isSecret: mixed.isSecret });
    expect(r.ok ? [] : r.errors).toEqual([EXPECTED[1]]);
  });

  it("keeps the local example working: no password in the file at all", () => {
    expect(configOf({ "berth:bootstrap": B, "berth:app": { image: "reg.lab/app:v1", registry: { server: "reg.lab", username: "ci" } } }).app?.registry?.password).toBeUndefined();
  });
});

describe("every problem at once: rules run when their own inputs parsed", () => {
  it("reports a cross-field problem next to a broken field of another section", () => {
    // docker.daemon has a wrong type; the mirror rules still run.
    expect(errorsOf({ "berth:bootstrap": { mirror: "ustc", docker: { daemon: { debug: "yes" } }, conda: { sha256: "a".repeat(64) } } })).toEqual([
      'berth:bootstrap.docker.daemon.debug: dockerd reads this as true or false, not "yes" — it would refuse to start',
      "berth:bootstrap.conda.mirror: no mirror in berth:bootstrap.mirror serves Miniconda installers — set conda.mirror to one that does: (official, aliyun, tuna, tencent, tencent-internal, huawei)",
    ]);
  });

  it("reports host rules while the app section is broken, and app rules while the host is", () => {
    expect(errorsOf({ "berth:host": { provider: "tencentcloud", zone: "ap-guangzhou-3" }, "berth:bootstrap": B, "berth:app": { image: "app", healthcheck: { type: "http" } } })).toEqual([
      'berth:app.image: "app" has no tag or digest — write app:v1 or app@sha256:…; berth deploys fixed releases so it can roll back',
      "berth:host.image: Tencent Cloud needs the image id of ubuntu-24.04 in your region — set image (img-…; the console or DescribeImages lists them)",
      "berth:host.sshPublicKey: a CVM needs a way in — set sshPublicKey to an OpenSSH RSA public key line (ssh-keygen -t rsa -b 4096 -f ~/.ssh/berth_tencent makes one)",
    ]);
    expect(errorsOf({ "berth:host": { provider: "digitalocean", sshPublicKey: PUBKEY, zone: "x" }, "berth:bootstrap": B, "berth:app": { image: "app:v1", healthcheck: { type: "http" } } })).toEqual([
      "berth:host.zone: must be a zone like ap-guangzhou-3",
      "berth:host.zone: only provider tencentcloud takes zone, and this stack's provider is digitalocean — remove it, or set provider: tencentcloud",
      "berth:app.healthcheck.port: an HTTP health check needs a port — publish one in berth:app.ports or set healthcheck.port",
    ]);
  });

  it("reports an in-cloud mirror outside its cloud while another host field is wrong", () => {
    expect(errorsOf({ "berth:host": { provider: "digitalocean", sshPublicKey: PUBKEY, region: "Singapore 1" }, "berth:bootstrap": { mirror: ["tencent-internal", "tuna"] } })).toEqual([
      "berth:host.region: must be a region like sgp1 or ap-guangzhou",
      'berth:bootstrap.mirror[0]: "tencent-internal" works only inside Tencent Cloud, but berth:host.provider is "digitalocean" — pick a mirror that works from anywhere (official, aliyun, tuna, ustc, tencent, huawei, azure-china)',
    ]);
  });
});
