// berth ci's checks before anything runs: the backend (never a silent Pulumi Cloud), the stack,
// the confirmation; exact messages naming the action input.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkBackend, checkOptions, stackNameOf, stackNames } from "../../src/ci/options.js";

const project = mkdtempSync(join(tmpdir(), "berth-ci-options-"));
mkdirSync(join(project, "stacks"));
writeFileSync(join(project, "Pulumi.yaml"), "name: berth\nruntime: nodejs\nstackConfigDir: stacks\n");
writeFileSync(join(project, "stacks/Pulumi.ci-web.yaml"), "config: {}\n");
writeFileSync(join(project, "stacks/Pulumi.lab-a.yaml"), "config: {}\n");
afterAll(() => rmSync(project, { recursive: true, force: true }));

const COS = "s3://berth-state-1250000000?endpoint=cos.ap-guangzhou.myqcloud.com&region=ap-guangzhou";

describe("the state backend", () => {
  it("no backend is an error that names the input and refuses Pulumi Cloud", () => {
    expect(checkBackend("")).toEqual([
      "no state backend: set the action's `backend-url` input (berth ci --backend, or PULUMI_BACKEND_URL), like s3://my-bucket?endpoint=cos.ap-guangzhou.myqcloud.com&region=ap-guangzhou. berth never falls back to Pulumi Cloud; to use it, say so: backend-url: https://api.pulumi.com",
    ]);
    expect(checkBackend(undefined)).toHaveLength(1);
  });

  it("accepts the README's COS, OSS and generic S3 forms, a file backend and an explicit Pulumi Cloud", () => {
    for (const url of [
      COS,
      "s3://berth-state?endpoint=oss-cn-hangzhou.aliyuncs.com&region=cn-hangzhou",
      "s3://berth-state?region=us-east-1",
      "s3://berth-state?endpoint=http://minio.internal:9000&s3ForcePathStyle=true&region=us-east-1",
      "file:///srv/pulumi-state",
      "https://api.pulumi.com",
    ]) expect(checkBackend(url), url).toEqual([]);
  });

  it("path-style on COS or OSS is refused with the store's own error names", () => {
    expect(checkBackend(`${COS}&s3ForcePathStyle=true`)).toEqual([
      "`backend-url`: cos.ap-guangzhou.myqcloud.com rejects path-style requests (PathStyleDomainForbidden / SecondLevelDomainForbidden): remove s3ForcePathStyle=true",
    ]);
    expect(checkBackend("s3://b?endpoint=https://oss-cn-beijing.aliyuncs.com&region=cn-beijing&s3ForcePathStyle=true")[0]).toContain("oss-cn-beijing.aliyuncs.com rejects path-style");
  });

  it("an endpoint without a region, an unknown scheme and a non-URL are named", () => {
    expect(checkBackend("s3://b?endpoint=cos.ap-guangzhou.myqcloud.com")).toEqual(["`backend-url`: an s3:// URL with an endpoint needs a region too, like &region=ap-guangzhou"]);
    expect(checkBackend("cos://b")).toEqual(['`backend-url`: unknown scheme "cos:" — use s3://, gs://, azblob://, file:// or https://']);
    expect(checkBackend("my-bucket")[0]).toMatch(/^`backend-url`: "my-bucket" is not a URL/);
  });
});

describe("the stack and the command", () => {
  it("takes a stack name or its file", () => {
    expect(stackNameOf("ci-web")).toBe("ci-web");
    expect(stackNameOf("stacks/Pulumi.ci-web.yaml")).toBe("ci-web");
    expect(stackNames(project)).toEqual(["ci-web", "lab-a"]);
    const r = checkOptions({ command: "preview", stack: "stacks/Pulumi.ci-web.yaml", cwd: project, backend: COS }, {});
    expect(r.ok && r.options).toMatchObject({ command: "preview", stack: "ci-web", stackFile: join(project, "stacks/Pulumi.ci-web.yaml"), backend: COS });
  });

  it("reads the backend from PULUMI_BACKEND_URL when the input is empty", () => {
    const r = checkOptions({ command: "up", stack: "ci-web", cwd: project, backend: "" }, { PULUMI_BACKEND_URL: COS });
    expect(r.ok && r.options.backend).toBe(COS);
  });

  it("names every problem at once", () => {
    const r = checkOptions({ command: "apply", stack: "ci-wbe", cwd: project }, {});
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      '`command`: unknown command "apply" — one of preview, up, refresh, destroy, unlock, reap',
      expect.stringMatching(/^no state backend: set the action's `backend-url` input/),
    ]);
    const r2 = checkOptions({ command: "up", stack: "ci-wbe", cwd: project, backend: COS }, {});
    expect(!r2.ok && r2.errors).toEqual([`\`stack-name\`: no stack file ${join(project, "stacks/Pulumi.ci-wbe.yaml")} — stacks here: ci-web, lab-a`]);
    const r3 = checkOptions({ command: "up", cwd: project, backend: COS }, {});
    expect(!r3.ok && r3.errors).toEqual(["`stack-name`: missing — the stack to act on, like ci-web (its file is stacks/Pulumi.ci-web.yaml)"]);
  });

  it("destroy and unlock need the stack name typed again", () => {
    const r = checkOptions({ command: "destroy", stack: "ci-web", cwd: project, backend: COS, confirm: "ci-wen" }, {});
    expect(!r.ok && r.errors).toEqual(['`confirm`: destroy removes every resource of stack ci-web; type the stack name to confirm (confirm: ci-web), got "ci-wen"']);
    const u = checkOptions({ command: "unlock", stack: "ci-web", cwd: project, backend: COS }, {});
    expect(!u.ok && u.errors).toEqual(['`confirm`: unlock clears the lock of stack ci-web, even one a running update holds; type the stack name to confirm (confirm: ci-web), got ""']);
    expect(checkOptions({ command: "destroy", stack: "ci-web", cwd: project, backend: COS, confirm: "ci-web" }, {}).ok).toBe(true);
  });
});
