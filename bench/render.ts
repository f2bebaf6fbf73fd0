/**
 * Render time for a typical stack and for one with a 2 KB environment.yml, against a floor
 * measured in the same run: yaml-serializing the very same cloud-config document (the part
 * of rendering no implementation can skip). Prints a table; bench/README.md keeps results.
 *
 *   npx tsx bench/render.ts
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { stringify } from "yaml";
import { hostFiles, render } from "../src/bootstrap/render.js";
import { load } from "../src/config/load.js";

function env2k(): string {
  const deps = ["python=3.12", "pip"];
  for (let i = 0; deps.join("\n").length < 1900; i++) deps.push(`package-number-${i}>=1.${i}`);
  return `name: course\nchannels:\n  - conda-forge\ndependencies:\n${deps.map((d) => `  - ${d}`).join("\n")}\n`;
}

const STACKS: Record<string, Record<string, unknown>> = {
  typical: { "berth:host": { provider: "digitalocean", os: "ubuntu-24.04", sshKeys: ["3b:16:bf:6e:a4:2c:19:7d:2e:6a:0b:5f:9c:44:1e:d0"] }, "berth:bootstrap": { mirror: ["aliyun", "tuna"], docker: { users: ["alice"] }, conda: { mirror: "tuna" } } },
  "env 2 KB": { "berth:host": { provider: "tencentcloud", os: "ubuntu-22.04", zone: "ap-guangzhou-3", image: "img-487zeit5", sshPublicKey: readFileSync(new URL("../stacks/Pulumi.tencent.yaml", import.meta.url), "utf8").match(/ssh-rsa [^"]+/)?.[0] }, "berth:bootstrap": { mirror: ["tencent-internal", "tencent"], docker: { registryMirrors: ["tencent-internal"] }, conda: { mirror: "tuna", env: { text: env2k() } } } },
};

/** Median of `runs` timings of fn, in milliseconds, after warm-up. */
function median(fn: () => unknown, runs = 200): number {
  for (let i = 0; i < 20; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)] ?? NaN;
}

console.log("| stack | load + validate + render (ms) | floor: yaml.stringify of the same document (ms) | ratio | user-data bytes |");
console.log("|---|---|---|---|---|");
for (const [name, raw] of Object.entries(STACKS)) {
  const once = load(raw, { baseDir: process.cwd() });
  if (!once.ok) throw new Error(once.errors.join("\n"));
  const cfg = once.config;
  const doc = { runcmd: [["bash", "x"]], write_files: hostFiles(cfg).map((f) => ({ ...f, owner: "root:root" })) };
  const full = median(() => {
    const r = load(raw, { baseDir: process.cwd() });
    if (!r.ok) throw new Error("invalid");
    return render(r.config);
  });
  const floor = median(() => stringify(doc, { sortMapEntries: true, lineWidth: 0 }));
  const bytes = Buffer.byteLength(render(cfg).userData);
  console.log(`| ${name} | ${full.toFixed(2)} | ${floor.toFixed(2)} | ${(full / floor).toFixed(2)}× | ${bytes} |`);
}
