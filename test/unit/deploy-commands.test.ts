import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { appSchema } from "../../src/config/sections/app.js";
import { docker, host, lock } from "../../src/deploy/commands.js";
import { SCRIPTS } from "../../src/deploy/scripts.js";
import { resultTable } from "../../src/deploy/hosts.js";
import { AppConfigError, planApp } from "../../src/deploy/plan.js";
import { DeployError, RemoteCommandError, TargetError, asDeployError } from "../../src/deploy/errors.js";
import type { Executor } from "../../src/deploy/executor.js";
import { Sensitive, redact } from "../../src/deploy/sensitive.js";
import { Session } from "../../src/deploy/session.js";
import { parseTarget } from "../../src/cli/targets.js";

const app = (raw: Record<string, unknown>) => appSchema.parse(raw);

describe("deploy commands are exact argv arrays", () => {
  it("login uses a throwaway config directory, sends the password on stdin, and ends options before the server", () => {
    const pw = new Sensitive("hunter2");
    const c = docker.login(".berth/app/login-ab12", "registry.lab:5000", "ci", pw);
    expect(c.argv).toEqual(["sh", "-c", SCRIPTS.login, "berth-login", ".berth/app/login-ab12", "ci", "registry.lab:5000"]);
    expect(SCRIPTS.login).toBe('umask 077 && mkdir -p -- "$1" && exec docker --config "$1" login --username "$2" --password-stdin -- "$3"');
    expect(c.stdin).toBe(pw);
    expect(c.label).toBe("docker --config .berth/app/login-ab12 login --username ci --password-stdin -- registry.lab:5000");
    expect(JSON.stringify(c)).not.toContain("hunter2");
  });

  it("run carries name, restart, ports, env-file on stdin, env, volumes, labels, then -- image and args", () => {
    const envFile = new Sensitive("TOKEN=t0k3n\n");
    const c = docker.run({
      name: "app", image: "sha256:abc", ports: ["80:8080", "127.0.0.1:9000:9000"], envFile,
      env: { B: "two words", A: "$(x)" }, volumes: ["data:/data"], restart: "unless-stopped",
      labels: { "berth.spec": "s", "berth.app": "app" }, args: ["--port", "8080"],
    });
    expect(c.argv).toEqual([
      "docker", "run", "--detach", "--name", "app", "--restart", "unless-stopped",
      "--publish", "80:8080", "--publish", "127.0.0.1:9000:9000", "--env-file", "/dev/stdin",
      "--env", "A=$(x)", "--env", "B=two words", "--volume", "data:/data",
      "--label", "berth.app=app", "--label", "berth.spec=s", "--", "sha256:abc", "--port", "8080",
    ]);
    expect(c.stdin).toBe(envFile);
    expect(docker.run({ name: "a", image: "-i", ports: [], env: {}, volumes: [], restart: "no", labels: {}, args: [] })).toEqual({
      argv: ["docker", "run", "--detach", "--name", "a", "--restart", "no", "--", "-i"],
    });
  });

  it("every positional argument comes after --", () => {
    expect(docker.pull("r:5000/app:v2").argv).toEqual(["sh", "-c", SCRIPTS.pull, "berth-pull", "r:5000/app:v2"]);
    expect(docker.pull("r:5000/app:v2", ".berth/app/login-1").argv).toEqual(["sh", "-c", SCRIPTS.pull, "berth-pull", "r:5000/app:v2", "--config", ".berth/app/login-1"]);
    expect(SCRIPTS.pull).toBe('image=$1\nshift\ndocker "$@" pull -- "$image" >&2 && exec docker image inspect --format \'{{.Id}}\' -- "$image"');
    expect(docker.imageId("sha256:1").argv).toEqual(["docker", "image", "inspect", "--format", "{{.Id}}", "--", "sha256:1"]);
    expect(docker.inspect("app", "app-prev").argv).toEqual(["docker", "container", "inspect", "--format", '{{.Name}} {{.State.Status}} {{.Image}} {{index .Config.Labels "berth.spec"}} {{index .Config.Labels "berth.release"}}', "--", "app", "app-prev"]);
    expect(docker.health("app").argv).toEqual(["docker", "container", "inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.Status}}", "--", "app"]);
    expect(docker.rename("app", "app-prev").argv).toEqual(["docker", "rename", "--", "app", "app-prev"]);
    expect(docker.stop("app-prev").argv).toEqual(["docker", "stop", "--time", "10", "--", "app-prev"]);
    expect(docker.start("app").argv).toEqual(["docker", "start", "--", "app"]);
    expect(docker.remove("a1", "b2").argv).toEqual(["docker", "rm", "--force", "--volumes", "--", "a1", "b2"]);
    expect(docker.logs("app", true, 5).argv).toEqual(["docker", "logs", "--tail", "5", "--follow", "--", "app"]);
    expect(docker.logs("app", false).argv).toEqual(["docker", "logs", "--tail", "100", "--", "app"]);
    expect(host.bootstrapStatus().argv).toEqual(["cat", "--", "/var/lib/berth/status.json"]);
    expect(host.bootstrapLogTail().argv).toEqual(["tail", "-n", "40", "--", "/var/log/berth/bootstrap.log"]);
  });

  it("the lock and the bookkeeping are fixed scripts whose values travel as arguments", () => {
    expect(lock.acquire(".berth/app", "t0", "user=a\nmachine=m\npid=1\nrun=").argv).toEqual(["sh", "-c", SCRIPTS.acquire, "berth-acquire", ".berth/app", "t0", "user=a\nmachine=m\npid=1\nrun="]);
    expect(lock.status(".berth/app").argv).toEqual(["sh", "-c", SCRIPTS.status, "berth-status", ".berth/app"]);
    expect(lock.heartbeat(".berth/app", "t0").argv).toEqual(["sh", "-c", SCRIPTS.heartbeat, "berth-heartbeat", ".berth/app", "t0"]);
    expect(lock.break(".berth/app", "t0").argv).toEqual(["sh", "-c", SCRIPTS.break, "berth-break", ".berth/app", "t0"]);
    const pw = new Sensitive("A=b\n");
    expect(lock.guard(".berth/app", "t0", { argv: ["docker", "start", "--", "app"], stdin: pw })).toEqual({
      argv: ["sh", "-c", SCRIPTS.guard, "berth-guard", ".berth/app", "t0", "docker", "start", "--", "app"], label: "'docker' 'start' '--' 'app'", stdin: pw,
    });
    expect(lock.finish(".berth/app", "t0", { loginDir: ".berth/app/login-t0", keep: 3, imageId: "sha256:1", prev: "app-prev" }).argv).toEqual(["sh", "-c", SCRIPTS.finish, "berth-finish", ".berth/app", "t0", ".berth/app/login-t0", "3", "sha256:1", "app-prev"]);
    expect(lock.finish(".berth/app", "t0", { keep: 1, imageId: "sha256:1" }).argv).toEqual(["sh", "-c", SCRIPTS.finish, "berth-finish", ".berth/app", "t0", "", "1", "sha256:1", ""]);
    const envFile = new Sensitive("A=b\n");
    const run = docker.run({ name: "app", image: "sha256:1", ports: [], env: {}, envFile, volumes: [], restart: "no", labels: {}, args: [] });
    expect(lock.launch(".berth/app", "t0", { keep: 3, imageId: "sha256:1", prev: "app-prev" }, { url: "http://127.0.0.1:80/", status: 200, timeoutSeconds: 60 }, "app", run)).toEqual({
      argv: ["sh", "-c", SCRIPTS.launch, "berth-launch", ".berth/app", "t0", "", "3", "sha256:1", "app-prev", "http://127.0.0.1:80/", "200", "60", "app",
        "docker", "run", "--detach", "--name", "app", "--restart", "no", "--env-file", "/dev/stdin", "--", "sha256:1"],
      label: "berth launch app: 'docker' 'run' '--detach' '--name' 'app' '--restart' 'no' '--env-file' '/dev/stdin' '--' 'sha256:1', check http://127.0.0.1:80/, finish .berth/app",
      stdin: envFile,
    });
    expect(SCRIPTS.launch).toContain('code=$(curl --silent --output /dev/null --max-time 5 --write-out "%{http_code}" -- "$1")');
    expect(SCRIPTS.launch.endsWith(`set -- "$dir" "$token" "$login" "$keep" "$id" "$prev"\n${SCRIPTS.finish}`)).toBe(true);
    expect(lock.release(".berth/app", "t0").argv).toEqual(["sh", "-c", SCRIPTS.release, "berth-release", ".berth/app", "t0", ""]);
    expect(lock.teardown(".berth/app", "t0", "app", "r:5000").argv).toEqual(["sh", "-c", SCRIPTS.teardown, "berth-teardown", ".berth/app", "t0", "app", "r:5000"]);
  });
});

describe("planApp", () => {
  const base = { image: "registry.lab:5000/berth/app:v1", ports: ["8080:8080"], registry: { server: "registry.lab:5000", username: "berth", password: "pw" }, secretEnv: { TOKEN: "t0k3n" } };

  it("defaults the health check to HTTP on the first published port", () => {
    expect(planApp(app(base)).healthcheck).toEqual({ type: "http", path: "/", port: 8080, status: 200, timeoutSeconds: 60 });
    expect(planApp(app({ image: "x:1" })).healthcheck).toEqual({ type: "running", seconds: 5 });
  });

  it("hashes the spec: same input, same hash; a changed secret or image changes it", () => {
    const a = planApp(app(base)).specHash;
    expect(planApp(app({ ...base })).specHash).toBe(a);
    expect(planApp(app({ ...base, secretEnv: { TOKEN: "other" } })).specHash).not.toBe(a);
    expect(planApp(app({ ...base, image: "registry.lab:5000/berth/app:v2" })).specHash).not.toBe(a);
    expect(planApp(app({ ...base, registry: { ...base.registry, password: "changed" } })).specHash).toBe(a);
  });

  it("keeps secrets wrapped: inspecting the plan shows no secret", () => {
    const text = inspect(planApp(app(base)), { depth: 10 }) + JSON.stringify(planApp(app(base)));
    expect(text).not.toContain("t0k3n");
    expect(text).not.toMatch(/"pw"|'pw'/);
    expect(text).toContain("[REDACTED]");
  });

  it("asks for a Pulumi-encrypted value through the environment", () => {
    const enc = app({ ...base, registry: { ...base.registry, password: { secure: "v1:abc" } } });
    expect(() => planApp(enc)).toThrow(new AppConfigError(["berth:app.registry.password: is encrypted by Pulumi — deploy with pulumi up, or give it to berth deploy in BERTH_REGISTRY_PASSWORD"]));
    expect(planApp(enc, { "registry.password": "from-env" }).registry?.password.reveal()).toBe("from-env");
  });

  it("waits 600 s for another deploy's lock unless berth:app.lockTimeoutSeconds says otherwise", () => {
    expect(planApp(app(base)).lockTimeoutSeconds).toBe(600);
    expect(planApp(app({ ...base, lockTimeoutSeconds: 0 })).lockTimeoutSeconds).toBe(0);
  });

  const LINE_BREAK = "contains a line break — secret values travel in a docker env-file, one NAME=value per line, so a line break would set other variables; encode the value (base64) or mount it as a file in berth:app.volumes";

  it("refuses a secret env value that would inject variables into the env-file, naming the variable and where the value came from", () => {
    const enc = app({ ...base, secretEnv: { TOKEN: { secure: "v1:abc" } } });
    const attempt = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof AppConfigError ? e.problems : e;
      }
      return "accepted";
    };
    expect(attempt(() => planApp(enc, { "secretEnv.TOKEN": "x\nPATH=/evil" }, "env"))).toEqual([`berth:app.secretEnv.TOKEN (from BERTH_SECRET_ENV_TOKEN): ${LINE_BREAK}`]);
    expect(attempt(() => planApp(enc, { "secretEnv.TOKEN": "x\r\nLD_PRELOAD=/evil.so" }))).toEqual([`berth:app.secretEnv.TOKEN (from Pulumi config): ${LINE_BREAK}`]);
    expect(attempt(() => planApp(app({ ...base, secretEnv: { TOKEN: "a\rb" } })))).toEqual([`berth:app.secretEnv.TOKEN (from the stack file): ${LINE_BREAK}`]);
    expect(attempt(() => planApp(enc, { "secretEnv.TOKEN": "a\0b" }, "env"))).toEqual(["berth:app.secretEnv.TOKEN (from BERTH_SECRET_ENV_TOKEN): contains a NUL character, which no environment variable can hold"]);
    expect(attempt(() => planApp(enc, { "secretEnv.TOKEN": "a\ud800b" }))).toEqual(["berth:app.secretEnv.TOKEN (from Pulumi config): is not valid Unicode text (it holds a lone surrogate), and docker reads env-files as UTF-8"]);
    // Every problem at once, and the message never carries the value.
    const two = app({ ...base, registry: { ...base.registry, password: { secure: "v1:x" } }, secretEnv: { A: { secure: "v1:y" }, B: { secure: "v1:z" } } });
    const problems = attempt(() => planApp(two, { "secretEnv.A": "evil\nX=1" }, "env"));
    expect(problems).toEqual([
      "berth:app.registry.password: is encrypted by Pulumi — deploy with pulumi up, or give it to berth deploy in BERTH_REGISTRY_PASSWORD",
      `berth:app.secretEnv.A (from BERTH_SECRET_ENV_A): ${LINE_BREAK}`,
      "berth:app.secretEnv.B: is encrypted by Pulumi — deploy with pulumi up, or give it to berth deploy in BERTH_SECRET_ENV_B",
    ]);
    expect(planApp(enc, { "secretEnv.TOKEN": "tab\there, quotes \"' and = signs" }, "env").secretEnv.TOKEN?.reveal()).toBe("tab\there, quotes \"' and = signs");
  });
});

describe("redaction, at one place", () => {
  it("redact() knows every Sensitive made in the process, longest first", () => {
    new Sensitive("registry-pass-0001");
    new Sensitive("registry-pass-0001-and-more");
    expect(redact("login failed for registry-pass-0001-and-more, then registry-pass-0001")).toBe("login failed for [REDACTED], then [REDACTED]");
    expect(redact("login failed for t0k3n at t0k3n", [new Sensitive("t0k3n")])).toBe("login failed for [REDACTED] at [REDACTED]");
  });

  it("a multi-line secret (a private key) is found whole and trimmed", () => {
    new Sensitive("-----BEGIN KEY-----\nabcdef\n-----END KEY-----\n");
    expect(redact("printed: -----BEGIN KEY-----\nabcdef\n-----END KEY----- (end)")).toBe("printed: [REDACTED] (end)");
  });

  it("values under 4 characters are not looked for (they would blank out words)", () => {
    new Sensitive("ab");
    expect(redact("about absent")).toBe("about absent");
  });

  it("every DeployError, RemoteCommandError included, leaves redacted", () => {
    new Sensitive("db-secret-7781");
    expect(new DeployError("root@h:22", "logs: DB_PASSWORD=db-secret-7781").message).toBe("root@h:22: logs: DB_PASSWORD=[REDACTED]");
    expect(new RemoteCommandError("root@h:22", "docker logs -- app", 1, "db-secret-7781").message).toBe("root@h:22: `docker logs -- app` exited 1:\n[REDACTED]");
    expect(asDeployError("root@h:22", new Error("root@h:22: boom db-secret-7781")).message).toBe("root@h:22: boom [REDACTED]");
  });

  it("Session's log lines leave redacted", () => {
    new Sensitive("log-secret-9931");
    const lines: string[] = [];
    const ex: Executor = { target: "t", exec: async () => ({ code: 0, stdout: "", stderr: "" }), upload: async () => undefined, close: async () => undefined };
    new Session(ex, (l) => lines.push(l)).log("echoed log-secret-9931 back");
    expect(lines).toEqual(["echoed [REDACTED] back"]);
  });
});

describe("berth:app validation", () => {
  it.each([
    [{ image: "registry.lab/app" }, "image", '"registry.lab/app" has no tag or digest — write registry.lab/app:v1 or registry.lab/app@sha256:…; berth deploys fixed releases so it can roll back'],
    [{ image: "App:v1" }, "image", '"App:v1" is not an image reference — write [registry[:port]/]name:tag or name@sha256:<64 hex>'],
    [{ image: "a:1", ports: ["80"] }, "ports", 'must be "HOST:CONTAINER" like "80:8080" (optionally "127.0.0.1:80:8080" or "53:53/udp")'],
  ])("%j is refused at %s", (raw, key, message) => {
    const r = appSchema.safeParse(raw);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path[0], i.message])).toContainEqual([key, message]);
  });
});

describe("targets and the result table", () => {
  it("parses user@host:port", () => {
    expect(parseTarget("berth@10.0.0.5:2222")).toEqual({ user: "berth", host: "10.0.0.5", port: 2222 });
    expect(parseTarget("example.org")).toEqual({ user: "root", host: "example.org", port: 22 });
    expect(parseTarget("[2001:db8::1]:2200")).toEqual({ user: "root", host: "2001:db8::1", port: 2200 });
    expect(() => parseTarget("a@b@c")).toThrow(new TargetError("--host a@b@c", "write user@address or user@address:port (like root@203.0.113.7:22)"));
    expect(() => parseTarget("a@b:70000")).toThrow("--host a@b:70000: write user@address or user@address:port (like root@203.0.113.7:22)");
    expect(() => parseTarget("a@b@c")).toThrow(TargetError);
  });

  it("prints one row per host, columns aligned", () => {
    const table = resultTable([
      { target: "root@a:22", ok: true, result: { target: "root@a:22", changed: true, release: "r1", imageId: "sha256:1" }, seconds: 3.21 },
      { target: "root@b:22", ok: false, error: "root@b:22: health check failed: GET http://127.0.0.1:80/ answered 500, want 200; rolled back\nmore", seconds: 9 },
    ]);
    const lines = table.trimEnd().split("\n");
    expect(lines.map((l) => l.split(/ {2,}/))).toEqual([
      ["host", "result", "release / error", "seconds"],
      ["root@a:22", "deployed", "r1", "3.2"],
      ["root@b:22", "FAILED", "health check failed: GET http://127.0.0.1:80/ answered 500, want 200; rolled back", "9.0"],
    ]);
    expect(new Set(lines.map((l) => l.indexOf(l.trim().split(/ {2,}/)[3] ?? "")))).toHaveProperty("size", 1);
  });
});
