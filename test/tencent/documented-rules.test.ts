// Rules Tencent documents for the calls berth makes, enforced by the local API server and
// checked by berth before it calls anything: ImportKeyPair takes OpenSSH RSA keys only
// (InvalidPublicKey.Malformed), instance names are at most 60 bytes (InvalidInstanceName.TooLong),
// error hints are keyed on the documented codes, and the endpoint override is loopback-only.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkEndpoint, tencentApi } from "../../src/components/tencent/client.js";
import { hintFor } from "../../src/components/tencent/errors.js";
import { createInstance } from "../../src/components/tencent/instance.js";
import { publicKeyType } from "../../src/components/tencent/keys.js";
import { tencentInstanceProvider as provider, type TencentInstanceInputs } from "../../src/components/tencent/provider.js";
import type { TencentApiServer } from "./server.js";
import { ED25519_KEY, PUBLIC_KEY, REGION, SECRET_ID, SECRET_KEY, USER_DATA, apiFor, isEmpty, spec, startServer } from "./helpers.js";

let server: TencentApiServer;
beforeEach(async () => {
  server = await startServer({ pendingPolls: 0, terminatingPolls: 0 });
});
afterEach(() => server.stop());

const codeOf = (p: Promise<unknown>) => p.then(() => "ok", (e: { code?: string }) => e.code);
const ECDSA_KEY = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEEXAMPLEkeyEXAMPLEkeyEXAMPLEkeyEXAMPLEkeyEXAMPLEkeyEXAMPLEkeyEXAMPLEkeyEXAMPLEkeyEXAMPLEkey= you@laptop";

function inputs(overrides: Partial<TencentInstanceInputs> = {}): TencentInstanceInputs {
  return {
    region: REGION, zone: "ap-guangzhou-3", imageId: "img-487zeit5", instanceType: "S5.MEDIUM4", userData: USER_DATA,
    publicKey: PUBLIC_KEY, instanceName: "lab-07", sshCidrs: ["0.0.0.0/0"], appPorts: [], appUdpPorts: [], appCidrs: ["0.0.0.0/0"],
    bandwidthOut: 5, systemDiskGb: 50, secretId: SECRET_ID, secretKey: SECRET_KEY, endpoint: server.url, ...overrides,
  };
}

describe("ImportKeyPair takes OpenSSH RSA public keys only", () => {
  it("the API server answers InvalidPublicKey.Malformed for ed25519, ECDSA and a forged ssh-rsa line, and imports an RSA key", async () => {
    const api = apiFor(server);
    const importing = (PublicKey: string, KeyName = "k1") => codeOf(api.cvm.ImportKeyPair({ KeyName, ProjectId: 0, PublicKey }));
    expect(await importing(ED25519_KEY)).toBe("InvalidPublicKey.Malformed");
    expect(await importing(ECDSA_KEY)).toBe("InvalidPublicKey.Malformed");
    // The type says ssh-rsa, the blob is an ed25519 key.
    expect(await importing(`ssh-rsa ${ED25519_KEY.split(" ")[1]} forged`)).toBe("InvalidPublicKey.Malformed");
    expect(server.requests.at(-1)?.errorCode).toBe("InvalidPublicKey.Malformed");
    expect(await importing(PUBLIC_KEY)).toBe("ok");
    expect(server.state.keyPairs.size).toBe(1);
  });

  it("berth refuses a non-RSA key before any call, naming the key and the fix", async () => {
    const message =
      "berth:host.sshPublicKey: Tencent Cloud imports only OpenSSH RSA public keys (ssh-rsa …), and this is an ssh-ed25519 key. " +
      "Make an RSA key for Tencent Cloud — ssh-keygen -t rsa -b 4096 -f ~/.ssh/id_rsa_tencent — and set sshPublicKey to the line in ~/.ssh/id_rsa_tencent.pub " +
      "(and berth:sshPrivateKey to the private key when berth deploys an app).";
    await expect(createInstance(apiFor(server), spec({ publicKey: ED25519_KEY }))).rejects.toThrow(new Error(message));
    await expect(provider.create!(inputs({ publicKey: ED25519_KEY }))).rejects.toThrow(new Error(message));
    await expect(provider.create!(inputs({ publicKey: ECDSA_KEY }))).rejects.toThrow(/and this is an ecdsa-sha2-nistp256 key\./);
    await expect(provider.create!(inputs({ publicKey: "ssh-rsa not-base64!" }))).rejects.toThrow(/and this is not an OpenSSH public key line\./);
    expect(server.requests).toEqual([]);
  });

  it("reads the key type from the key itself, not only from its first word", () => {
    expect(publicKeyType(PUBLIC_KEY)).toBe("ssh-rsa");
    expect(publicKeyType(ED25519_KEY)).toBe("ssh-ed25519");
    expect(publicKeyType(`ssh-rsa ${ED25519_KEY.split(" ")[1]}`)).toBeUndefined();
    expect(publicKeyType("ssh-rsa")).toBeUndefined();
  });
});

describe("instance names are at most 60 bytes", () => {
  it("the API server counts bytes: 60 ASCII bytes pass, 61 do not, nor 21 Chinese characters (63 bytes)", async () => {
    const api = apiFor(server);
    const run = (InstanceName: string) => codeOf(api.cvm.RunInstances({ Placement: { Zone: "ap-guangzhou-3" }, ImageId: "img-487zeit5", InstanceType: "S5.MEDIUM4", InstanceName }));
    expect(await run("a".repeat(61))).toBe("InvalidInstanceName.TooLong");
    expect(await run("实".repeat(21))).toBe("InvalidInstanceName.TooLong");
    expect(await run("a".repeat(60))).toBe("ok");
    expect(server.state.instances.size).toBe(1);
  });

  it("berth refuses a longer name before any call; a 63-character DNS label is one", async () => {
    const name = `lab-${"x".repeat(59)}`;
    await expect(provider.create!(inputs({ instanceName: name }))).rejects.toThrow(new Error(
      `berth:host.name: Tencent Cloud instance names are at most 60 bytes, and "${name}" is 63 — choose a shorter name (without host.name, the stack name is used).`,
    ));
    expect(server.requests).toEqual([]);
    const ok = await provider.create!(inputs({ instanceName: "x".repeat(60) }));
    expect(ok.outs).toMatchObject({ state: "RUNNING", instanceName: "x".repeat(60) });
    await provider.delete!(ok.id, ok.outs!);
    expect(isEmpty(server)).toBe(true);
  });
});

describe("error hints use the codes Tencent documents", () => {
  it("RunInstances' user-data and name codes, ImportKeyPair's key codes", () => {
    expect(hintFor("InvalidParameterValue.TooLarge")).toBe(
      "A value is over Tencent's limit: the user-data may be at most 16 KB after base64 (trim the bootstrap config), and berth:host.bandwidth must be within your account's range.",
    );
    expect(hintFor("InvalidParameterValue.InvalidUserDataFormat")).toBe("The user-data must be base64-encoded; berth encodes it, so report this as a berth bug.");
    expect(hintFor("InvalidInstanceName.TooLong")).toBe("Instance names are at most 60 bytes (UTF-8): shorten berth:host.name.");
    expect(hintFor("InvalidPublicKey.Malformed")).toMatch(/^Tencent Cloud imports OpenSSH RSA public keys only/);
    expect(hintFor("InvalidKeyPair.LimitExceeded")).toMatch(/key pairs/);
    expect(hintFor("InstancesQuotaLimitExceeded")).toMatch(/quota/);
    expect(hintFor("LimitExceeded.InstanceQuota")).toMatch(/quota/);
    expect(hintFor("ResourcesSoldOut.SpecifiedInstanceType")).toMatch(/another zone or instance type/);
    expect(hintFor("InvalidZone.MismatchRegion")).toMatch(/zone must belong to the region/);
  });

  it("codes RunInstances does not return get no user-data hint", () => {
    // An earlier table keyed the user-data hint on InvalidParameterValue.TooLong and on any code containing "UserData".
    expect(hintFor("InvalidParameterValue.TooLong")).toBeUndefined();
    expect(hintFor("InvalidUserData.Malformed")).toBeUndefined();
  });
});

describe("the endpoint override goes to this machine only", () => {
  it("accepts http on loopback with a port", () => {
    for (const ok of ["http://127.0.0.1:8080", "http://127.0.0.5:1", "http://[::1]:9000", "http://localhost:8080"]) expect(checkEndpoint(ok).port).not.toBe("");
  });

  it("refuses any other address, https, a missing port and credentials in the URL, before any connection", () => {
    const refused = (endpoint: string) =>
      `tencentcloud:endpoint must be http://127.0.0.1:PORT (a Tencent API stand-in on this machine): signed calls go over plain HTTP, so only a loopback address is allowed — got "${endpoint}". Remove it to use Tencent Cloud itself.`;
    for (const bad of ["http://203.0.113.5:80", "http://10.0.0.7:8080", "http://cvm.tencentcloudapi.com:80", "https://127.0.0.1:8443", "http://127.0.0.1", "http://u:p@127.0.0.1:80", "not a url"])
      expect(() => checkEndpoint(bad)).toThrow(new Error(refused(bad)));
    expect(() => tencentApi({ secretId: SECRET_ID, secretKey: SECRET_KEY, region: REGION, endpoint: "http://198.51.100.9:80" })).toThrow(new Error(refused("http://198.51.100.9:80")));
  });
});
