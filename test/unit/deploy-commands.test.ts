import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { appSchema } from "../../src/config/sections/app.js";
import { docker, host } from "../../src/deploy/commands.js";
import { resultTable } from "../../src/deploy/hosts.js";
import { AppConfigError, planApp } from "../../src/deploy/plan.js";
import { Sensitive, redact } from "../../src/deploy/sensitive.js";
import { parseTarget } from "../../src/cli/targets.js";

const app = (raw: Record<string, unknown>) => appSchema.parse(raw);

describe("deploy commands are exact argv arrays", () => {
  it("login sends the password on stdin, never in argv", () => {
    const pw = new Sensitive("hunter2");
    const c = docker.login("registry.lab:5000", "ci", pw);
    expect(c.argv).toEqual(["docker", "login", "--username", "ci", "--password-stdin", "registry.lab:5000"]);
    expect(c.stdin).toBe(pw);
    expect(JSON.stringify(c)).not.toContain("hunter2");
  });

  it("run carries name, restart, ports, env-file, env, volumes, labels, image and args in a fixed order", () => {
    expect(docker.run({
      name: "app", image: "sha256:abc", ports: ["80:8080", "127.0.0.1:9000:9000"], envFile: ".berth/app/r1.env",
      env: { B: "two words", A: "$(x)" }, volumes: ["data:/data"], restart: "unless-stopped",
      labels: { "berth.spec": "s", "berth.app": "app" }, args: ["--port", "8080"],
    }).argv).toEqual([
      "docker", "run", "--detach", "--name", "app", "--restart", "unless-stopped",
      "--publish", "80:8080", "--publish", "127.0.0.1:9000:9000", "--env-file", ".berth/app/r1.env",
      "--env", "A=$(x)", "--env", "B=two words", "--volume", "data:/data",
      "--label", "berth.app=app", "--label", "berth.spec=s", "sha256:abc", "--port", "8080",
    ]);
  });

  it("pull, inspect, health probe and release bookkeeping", () => {
    expect(docker.pull("r:5000/app:v2").argv).toEqual(["docker", "pull", "r:5000/app:v2"]);
    expect(docker.ids("app").argv).toEqual(["docker", "ps", "--all", "--quiet", "--filter", "label=berth.app=app"]);
    expect(docker.remove("a1", "b2").argv).toEqual(["docker", "rm", "--force", "--volumes", "a1", "b2"]);
    expect(docker.inspect("app").argv).toEqual(["docker", "container", "inspect", "--format", '{{.Name}} {{.State.Status}} {{.Image}} {{index .Config.Labels "berth.spec"}} {{index .Config.Labels "berth.release"}}', "app"]);
    expect(host.httpStatus("http://127.0.0.1:80/").argv).toEqual(["curl", "--silent", "--output", "/dev/null", "--max-time", "5", "--write-out", "%{http_code}", "http://127.0.0.1:80/"]);
    expect(host.recordRelease(".berth/app", "r1.env").argv).toEqual(["sh", "-c", 'umask 077 && mkdir -p "$1" && find "$1" -maxdepth 1 -name "*.env" ! -name "$2" -delete && cat > "$1/images"', "sh", ".berth/app", "r1.env"]);
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
    expect(() => planApp(enc)).toThrow(new AppConfigError("berth:app.registry.password: is encrypted by Pulumi — deploy with pulumi up, or give it to berth deploy in BERTH_REGISTRY_PASSWORD"));
    expect(planApp(enc, { "registry.password": "from-env" }).registry?.password.reveal()).toBe("from-env");
  });

  it("redacts secrets out of remote output", () => {
    expect(redact("login failed for t0k3n at t0k3n", [new Sensitive("t0k3n")])).toBe("login failed for [REDACTED] at [REDACTED]");
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
    expect(() => parseTarget("a@b@c")).toThrow("--host a@b@c: write user@address or user@address:port (like root@203.0.113.7:22)");
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
