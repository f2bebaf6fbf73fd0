// What a run writes: the job summary and PR comment markdown, workflow commands, secrets kept out.
import { describe, expect, it } from "vitest";
import { changeText, headline, MAX_OUTPUT, reportMarkdown, tailOf } from "../../src/ci/report.js";
import { configSecrets, envSecrets, Redactor, securePaths } from "../../src/ci/secrets.js";
import { annotation, escapeData, maskCommands } from "../../src/ci/workflow-commands.js";
import { hasChanges, readEventLog } from "../../src/ci/pulumi.js";
import { pluginInstalls } from "../../src/ci/plugins.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { ed25519KeyPair } from "../../src/deploy/keypair.js";

describe("the report", () => {
  it("words the changes as planned for a preview and as done for an up", () => {
    expect(changeText("preview", { create: 4 })).toBe("4 to create");
    expect(changeText("preview", { same: 3, update: 1, delete: 2 })).toBe("1 to update, 2 to delete, 3 unchanged");
    expect(changeText("up", { create: 4 })).toBe("4 created");
    expect(changeText("up", { same: 4 })).toBe("no changes");
    expect(changeText("up", {})).toBe("no changes");
    expect(headline({ command: "destroy", stack: "ci-web", status: "succeeded", changes: { delete: 4 }, output: "" })).toBe("berth destroy · `ci-web`: 4 deleted");
    expect(headline({ command: "up", stack: "ci-web", status: "failed", changes: {}, output: "" })).toBe("berth up · `ci-web`: failed");
  });

  it("puts the marker first, the counts, the outputs and the Pulumi output in a fence it cannot close", () => {
    const md = reportMarkdown({ command: "up", stack: "s", status: "succeeded", changes: { create: 2, same: 1 }, output: "\u001b[32m+ created\u001b[0m\n```\n", outputs: { appUrl: "http://10.0.0.5:8080/", key: "[secret]" }, runUrl: "https://github.com/o/r/actions/runs/1" }, "<!-- berth:stack=s -->");
    expect(md).toBe(
      "<!-- berth:stack=s -->\n\n### berth up · `s`: 2 created, 1 unchanged\n\n| create | same |\n|---|---|\n| 2 | 1 |\n\n" +
        "| output | value |\n|---|---|\n| `appUrl` | http://10.0.0.5:8080/ |\n| `key` | [secret] |\n\n" +
        "<details><summary>Pulumi output</summary>\n\n````text\n+ created\n```\n````\n\n</details>\n\n[The run](https://github.com/o/r/actions/runs/1)\n",
    );
  });

  it("keeps the end of a long output, cut at a line, within GitHub's comment limit", () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${"x".repeat(20)}`).join("\n");
    const t = tailOf(lines);
    expect(t.length).toBeLessThanOrEqual(MAX_OUTPUT + 100);
    expect(t.endsWith("line 4999 xxxxxxxxxxxxxxxxxxxx")).toBe(true);
    expect(t.split("\n")[1]).toMatch(/^line \d+ x{20}$/);
    expect(t).toMatch(/^… \d+ characters cut: the whole output is in the job log …\n/);
    expect(reportMarkdown({ command: "preview", stack: "s", status: "succeeded", changes: {}, output: lines }, "<!-- m -->").length).toBeLessThan(65_536);
  });
});

describe("secrets", () => {
  const stackFile = [
    "encryptionsalt: v1:abc",
    "config:",
    "  berth:sshPrivateKey:",
    "    secure: v1:AAA",
    "  berth:app:",
    "    image: registry.example.com/app:v1",
    "    registry:",
    "      server: registry.example.com",
    "      password:",
    "        secure: v1:BBB",
    "",
  ].join("\n");
  // A key made for the test (no key is committed).
  const KEY = ed25519KeyPair().private;
  const shown = JSON.stringify({
    "berth:sshPrivateKey": { value: KEY, secret: true },
    "berth:app": { value: "{}", objectValue: { image: "registry.example.com/app:v1", registry: { server: "registry.example.com", password: "hunter22hunter" } }, secret: true },
  });

  it("finds the stack's secret leaves from its stack file, not every value of a key holding one", () => {
    expect(securePaths(stackFile)).toEqual([["berth:sshPrivateKey"], ["berth:app", "registry", "password"]]);
    expect(configSecrets(shown, stackFile)).toEqual([KEY, "hunter22hunter"]);
  });

  it("redacts whole values and each line of a key; the image and server stay readable", () => {
    const r = new Redactor().add(configSecrets(shown, stackFile)).add(envSecrets({ PULUMI_CONFIG_PASSPHRASE: "correct horse", HOME: "/root", BERTH_SECRET_ENV_API: "tok-123456" }));
    expect(r.redact(`pw=hunter22hunter key ${KEY.split("\n")[2]} pass correct horse api tok-123456 image registry.example.com/app:v1`)).toBe(
      "pw=*** key *** pass *** api *** image registry.example.com/app:v1",
    );
  });

  it("masks a multi-line secret as a whole and line by line, escaped as the runner expects", () => {
    expect(maskCommands("a%b\nline two\n")).toEqual(["::add-mask::a%25b%0Aline two\n", "::add-mask::a%25b\n", "::add-mask::line two\n"]);
    expect(escapeData("50%\r\n")).toBe("50%25%0D%0A");
    expect(annotation("notice", "two\nlines", "berth: x, y")).toBe("::notice title=berth%3A x%2C y::two%0Alines\n");
  });
});

describe("the engine's event log", () => {
  it("gives the counts of the summary event and the errors", () => {
    const log = [
      JSON.stringify({ sequence: 1, preludeEvent: { config: {} } }),
      JSON.stringify({ sequence: 2, diagnosticEvent: { message: "\u001b[31merror: boom\u001b[0m\n", severity: "error" } }),
      JSON.stringify({ sequence: 3, summaryEvent: { resourceChanges: { create: 4, same: 1 } } }),
      '{"sequence": 4, "cut sho',
    ].join("\n");
    expect(readEventLog(log)).toEqual({ changes: { create: 4, same: 1 }, errors: ["error: boom"], sawSummary: true });
    expect(hasChanges({ same: 5 })).toBe(false);
    expect(hasChanges({ same: 5, update: 1 })).toBe(true);
  });
});

describe("provider plugins", () => {
  it("installs the DigitalOcean plugin at the npm package's version, and nothing for dynamic-provider hosts", () => {
    const [install] = pluginInstalls("config:\n  berth:host:\n    provider: digitalocean\n", PROJECT_DIR);
    expect(install).toEqual(["plugin", "install", "resource", "digitalocean", expect.stringMatching(/^v4\.\d+\.\d+$/)]);
    for (const p of ["local", "tencentcloud", "existing"]) expect(pluginInstalls(`config:\n  berth:host:\n    provider: ${p}\n`, PROJECT_DIR)).toEqual([]);
  });
});
