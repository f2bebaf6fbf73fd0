// The host key berth records in the state is pinned by later updates (and the delete) of
// AppDeployment and ExistingHost when the stack gives no fingerprint: against a real sshd whose
// key is not the recorded one, the update is refused before any command, with both keys and the
// fix. A stack pin wins over the recorded key. (The whole flow runs under the real engine in
// test/engine/cl-host-key-pin.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appDeploymentProvider, splitAppSecrets, type AppDeploymentOutputs } from "../../src/components/app-deployment.js";
import { existingHostProvider, type ExistingHostOutputs } from "../../src/components/existing-host.js";
import { hostPin } from "../../src/components/host-pin.js";
import { appSchema } from "../../src/config/sections/app.js";
import { startSshd, type Sshd } from "../helpers/sshd.js";

let sshd: Sshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(() => sshd.stop());

/** A fingerprint of the right shape that is not the server's. */
const RECORDED = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

function app(image: string): AppDeploymentOutputs {
  const split = splitAppSecrets(appSchema.parse({ image }));
  return {
    target: { host: "127.0.0.1", port: sshd.port, user: sshd.user, hostKeyFingerprint: "" },
    app: split.app,
    secrets: { privateKey: sshd.privateKey.toString(), secretEnv: split.secretEnv },
    release: "r000000000000", imageId: "sha256:0", seenHostKey: RECORDED, providerFormat: 2,
  };
}

const refusal = (where: string) =>
  `${where}: the SSH host key is now ${sshd.hostFingerprint()}, but berth recorded ${RECORDED} in the Pulumi state when it first connected — ` +
  `refusing to connect (something may be intercepting the connection). If you rebuilt this server yourself, pin its new key: ` +
  `pulumi config set --path berth:host.hostKeyFingerprint ${sshd.hostFingerprint()}`;

describe("which key a connection trusts", () => {
  it("the stack's pin, else the recorded key, else first use", () => {
    expect(hostPin("SHA256:stack", "SHA256:seen")).toEqual({ fingerprint: "SHA256:stack", source: "stack" });
    expect(hostPin("", "SHA256:seen")).toEqual({ fingerprint: "SHA256:seen", source: "state" });
    expect(hostPin("", undefined)).toEqual({ fingerprint: "", source: "first-use" });
  });
});

describe("AppDeployment", () => {
  it("an update pins the key recorded at create: a changed key is refused with both keys and the fix", async () => {
    const olds = app("registry.lab:5000/team/web:v3");
    const news = { target: olds.target, app: app("registry.lab:5000/team/web:v4").app, secrets: olds.secrets };
    await expect(appDeploymentProvider.update(olds.target.host, olds, news)).rejects.toThrow(new Error(refusal(`${sshd.user}@127.0.0.1:${sshd.port}`)));
  });

  it("a pin in the stack wins over the recorded key (the way to accept a rebuilt server), and is an update, not a new host", async () => {
    const olds = app("registry.lab:5000/team/web:v3");
    const news = { target: { ...olds.target, hostKeyFingerprint: "SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB" }, app: olds.app, secrets: olds.secrets };
    expect(await appDeploymentProvider.diff("id", olds, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    // Refused by the stack's pin now, with the executor's own message, not the recorded one.
    await expect(appDeploymentProvider.update("id", olds, news)).rejects.toThrow(/host key is SHA256:\S+, but the configured fingerprint is SHA256:B{43}/);
  });

  it("a state from before seenHostKey: the pin its last deploy used is the recorded key", async () => {
    const { seenHostKey: _s, ...older } = app("registry.lab:5000/team/web:v3");
    const olds = { ...older, target: { ...older.target, hostKeyFingerprint: RECORDED } };
    const news = { target: { ...olds.target, hostKeyFingerprint: "" }, app: app("registry.lab:5000/team/web:v4").app, secrets: olds.secrets };
    await expect(appDeploymentProvider.update("id", olds, news)).rejects.toThrow(new Error(refusal(`${sshd.user}@127.0.0.1:${sshd.port}`)));
  });

  it("the delete pins the recorded key too: it runs nothing on a host whose key changed", async () => {
    await expect(appDeploymentProvider.delete("id", app("registry.lab:5000/team/web:v3"))).rejects.toThrow(/host key is SHA256:\S+, but the configured fingerprint is SHA256:A{43}/);
  });
});

describe("ExistingHost", () => {
  it("an update pins seenHostKey when the stack gives no fingerprint", async () => {
    const inputs = { address: "127.0.0.1", port: sshd.port, user: sshd.user, hostKeyFingerprint: "", files: [], privateKey: sshd.privateKey.toString() };
    const olds: ExistingHostOutputs = { ...inputs, phase: "ready", mirrors: {}, seenHostKey: RECORDED, providerFormat: 2 };
    const news = { ...inputs, files: [{ path: "/etc/berth/bootstrap.conf", content: "x", permissions: "0644" }] };
    expect((await existingHostProvider.diff("id", olds, news)).changes).toBe(true);
    await expect(existingHostProvider.update("id", olds, news)).rejects.toThrow(new Error(refusal(`${sshd.user}@127.0.0.1:${sshd.port}`)));
  });
});
