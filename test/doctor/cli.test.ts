// `berth doctor` as a command: options, usage errors, --list, and a whole run on this machine.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { doctorCommand, type DoctorCliOptions } from "../../src/cli/doctor.js";
import { catalogTable } from "../../src/diagnose/table.js";
import { PUBKEY } from "../helpers/config.js";

const dir = mkdtempSync(join(tmpdir(), "berth-doctor-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(opts: Partial<DoctorCliOptions>, env: Record<string, string> = {}) {
  let out = "";
  let err = "";
  const code = await doctorCommand({ host: [], concurrency: 8, json: false, list: false, machine: false, ...opts }, { stdout: (s) => void (out += s), stderr: (s) => void (err += s) }, { PATH: "", HOME: dir, ...env });
  return { code, out, err };
}

describe("berth doctor", () => {
  it("--list prints the catalogue, in the locale's language", async () => {
    expect(await run({ list: true })).toEqual({ code: 0, out: catalogTable("en"), err: "" });
    expect((await run({ list: true }, { LANG: "zh_CN.UTF-8" })).out).toBe(catalogTable("zh"));
  });

  it("refuses what it cannot use, with exit code 64", async () => {
    expect(await run({ lang: "fr" })).toEqual({ code: 64, out: "", err: "--lang fr: choose en or zh\n" });
    expect(await run({ concurrency: 0 })).toEqual({ code: 64, out: "", err: "--concurrency 0: give a whole number of hosts, 1 or more\n" });
    expect(await run({ host: ["root@bad host"] })).toEqual({ code: 64, out: "", err: "--host root@bad host: write user@address or user@address:port (like root@203.0.113.7:22)\n" });
  });

  it("checks this machine for a DigitalOcean stack and reports, as JSON, what is missing", async () => {
    const stacks = join(dir, "stacks");
    const file = join(stacks, "Pulumi.do.yaml");
    mkdirSync(stacks, { recursive: true });
    writeFileSync(file, `config:\n  berth:host: { provider: digitalocean, sshPublicKey: "${PUBKEY}" }\n  berth:bootstrap: { mirror: [aliyun, tuna], conda: { enabled: false } }\n`);
    const r = await run({ stack: file, json: true }, { PULUMI_BACKEND_URL: `file://${dir}`, PULUMI_CONFIG_PASSPHRASE: "x" });
    const j = JSON.parse(r.out) as { exitCode: number; machine: { checks: { id: string; status: string; problems: { id: string }[] }[] } };
    expect(r.code).toBe(j.exitCode);
    const byId = Object.fromEntries(j.machine.checks.map((c) => [c.id, c]));
    expect(Object.keys(byId)).toEqual(["node", "pulumi", "backend", "passphrase", "stack", "secrets", "engine", "kit", "ssh-key"]);
    expect(byId.backend?.status).toBe("ok");
    expect(byId.stack?.status).toBe("ok");
    expect(byId.secrets?.problems.map((p) => p.id)).toEqual(["secret-missing"]);
    expect(byId.engine?.status).toBe("skip");
    expect(byId["ssh-key"]?.problems.map((p) => p.id)).toEqual(["ssh-key-missing"]);
    expect(r.code).toBe(1);
  });
});
