// `pulumi up`'s app deploy errors carry berth's diagnosis, as `berth deploy`'s do: AppDeployment's
// create and update pass their error through the catalogue. Deploy errors are replayed from the
// evidence recorded on real hosts (test/doctor/recorded.ts); the provider's own path runs against
// a real sshd whose host key is not the one the stack pins.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { appDeploymentProvider, explainedDeployError, splitAppSecrets, type AppDeploymentOutputs } from "../../src/components/app-deployment.js";
import { appSchema } from "../../src/config/sections/app.js";
import { Sensitive } from "../../src/deploy/sensitive.js";
import { RECORDED } from "../doctor/recorded.js";
import { startSshd, type Sshd } from "../helpers/sshd.js";

const TARGET = "debian@203.0.113.7:22";
/** A deploy step's failure as DeployError words it, with the remote's stderr recorded on a real host. */
const failed = (id: string, argv: string) => new Error(`${TARGET}: \`${argv}\` exited 1\n${RECORDED[id]?.text ?? ""}`);

const saved = { LANG: process.env.LANG, LC_ALL: process.env.LC_ALL, LC_MESSAGES: process.env.LC_MESSAGES };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
const locale = (lang: string) => Object.assign(process.env, { LC_ALL: lang, LC_MESSAGES: "", LANG: "" });

describe("a failed deploy under pulumi up says what berth knows about it", () => {
  it("Docker Hub's pull limit, in English", () => {
    locale("C.UTF-8");
    const e = explainedDeployError(failed("hub-rate-limit", "docker pull python:3.12"));
    expect(e.message.startsWith(`${TARGET}: \`docker pull python:3.12\` exited 1\nError response from daemon: toomanyrequests:`)).toBe(true);
    expect(e.message).toContain("\n── berth's diagnosis ──\n  [hub-rate-limit] Docker Hub's pull limit was reached (toomanyrequests)\n");
    expect(e.message).toContain("    fix: Log in to Docker Hub on the host (docker login; an account raises the limit), put a pull-through cache in berth:bootstrap.docker.registryMirrors, or push your images to your own registry (berth:app.registry).\n    config key: berth:bootstrap.docker.registryMirrors\n");
  });

  it("a refused registry login, in Chinese under a Chinese locale", () => {
    locale("zh_CN.UTF-8");
    const e = explainedDeployError(failed("registry-login-failed", "docker login --username berth --password-stdin registry.berth.lab:5000"));
    expect(e.message).toContain("\n── berth 的诊断 ──\n  [registry-login-failed] 镜像仓库拒绝了登录\n");
    expect(e.message).toContain("    配置项：berth:app.registry.password\n");
  });

  it("an image that is not there", () => {
    locale("C.UTF-8");
    expect(explainedDeployError(failed("image-not-found", "docker pull registry.berth.lab:5000/berth/app:v9")).message).toContain("  [image-not-found] The image or its tag does not exist\n");
  });

  it("a failure berth does not know is passed on as it is, and a diagnosis is never added twice", () => {
    const plain = new Error(`${TARGET}: health check failed: frobnicator misaligned`);
    expect(explainedDeployError(plain).message).toBe(plain.message);
    const once = explainedDeployError(failed("hub-rate-limit", "docker pull python:3.12"));
    expect(explainedDeployError(once).message).toBe(once.message);
    expect(explainedDeployError("a thrown string").message).toBe("a thrown string");
  });

  it("redacts a secret berth holds, also in an error that did not come from the deploy layer", () => {
    new Sensitive("s3cret-registry-pw");
    expect(explainedDeployError(new Error("ssh2: bad packet near s3cret-registry-pw")).message).toBe("ssh2: bad packet near [REDACTED]");
  });
});

describe("AppDeployment's create and update go through it", () => {
  let sshd: Sshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(() => sshd.stop());

  const PIN = "SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
  function inputs(image: string): AppDeploymentOutputs {
    const split = splitAppSecrets(appSchema.parse({ image }));
    return {
      target: { host: "127.0.0.1", port: sshd.port, user: sshd.user, hostKeyFingerprint: PIN },
      app: split.app,
      secrets: { privateKey: sshd.privateKey.toString(), secretEnv: split.secretEnv },
      release: "r000000000000", imageId: "sha256:0", seenHostKey: PIN, providerFormat: 2,
    };
  }
  const diagnosed = (msg: string) => {
    expect(msg).toMatch(new RegExp(`^127\\.0\\.0\\.1:${sshd.port}: host key is SHA256:\\S+, but the configured fingerprint is ${PIN} — refusing to connect`));
    expect(msg).toContain("\n── berth's diagnosis ──\n  [ssh-host-key-changed] The host's SSH key changed\n");
  };

  it("create", async () => {
    locale("C.UTF-8");
    const { target, app, secrets } = inputs("registry.lab:5000/team/web:v3");
    diagnosed(await appDeploymentProvider.create({ target, app, secrets }).then(() => "", (e: Error) => e.message));
  });

  it("update", async () => {
    locale("C.UTF-8");
    const olds = inputs("registry.lab:5000/team/web:v3");
    const news = { target: olds.target, app: inputs("registry.lab:5000/team/web:v4").app, secrets: olds.secrets };
    diagnosed(await appDeploymentProvider.update("id", olds, news).then(() => "", (e: Error) => e.message));
  });
});
