/**
 * The real Pulumi engine on the local stack: wall time of `pulumi preview` and of a no-op
 * `pulumi up` once the stack is up, against the floor of the same commands on an empty program
 * (same CLI, language host, Node runtime and tsx loader; zero resources). Runs alternate
 * (floor, berth, floor, …) so both see the same load. Also times the first `pulumi up` (VM
 * boot + bootstrap + app deploy) and `pulumi destroy`, for scale.
 *
 *   npx tsx bench/engine.ts [runs=5]
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { kitInfo, kitUp } from "../src/local/kit.js";
import { PulumiProject } from "../test/engine/pulumi.js";
import { median } from "./stats.js";

const runs = Number(process.argv[2] ?? 5);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed(p: PulumiProject, args: string[]): Promise<number> {
  const t0 = performance.now();
  await p.ok(args);
  return performance.now() - t0;
}

await kitUp();
const kit = kitInfo();
const berth = new PulumiProject("bench-local");
const floor = new PulumiProject("bench-floor");
// The floor: this project's package.json and node_modules, loaded the way berth's entry loads it
// (tsx from an .mjs entry), and a TypeScript program with no resources.
writeFileSync(join(floor.dir, "Pulumi.yaml"), "name: floor\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: src/floor-main.mjs\n");
writeFileSync(join(floor.dir, "src/floor-main.mjs"), 'import { register } from "tsx/esm/api";\nregister();\nexport default async () => await import("./empty.ts");\n');
writeFileSync(join(floor.dir, "src/empty.ts"), "export const nothing = 0;\n");

try {
  await berth.ok(["stack", "init", "local"]);
  await berth.ok(["config", "set", "--stack", "local", "--path", "berth:app.registry.password", "--secret"], { stdin: kit.registryPassword });
  await floor.ok(["stack", "init", "floor"]);
  await floor.ok(["up", "--yes", "--stack", "floor"]);

  const firstUp = await timed(berth, ["up", "--yes", "--stack", "local"]);
  const t = { berthPreview: [] as number[], floorPreview: [] as number[], berthNoop: [] as number[], floorNoop: [] as number[] };
  for (let i = 0; i < runs; i++) {
    t.floorPreview.push(await timed(floor, ["preview", "--stack", "floor"]));
    t.berthPreview.push(await timed(berth, ["preview", "--stack", "local"]));
    t.floorNoop.push(await timed(floor, ["up", "--yes", "--stack", "floor"]));
    t.berthNoop.push(await timed(berth, ["up", "--yes", "--stack", "local"]));
  }
  const destroy = await timed(berth, ["destroy", "--yes", "--stack", "local"]);

  const row = (what: string, b: number[], f: number[]) =>
    `| ${what} | ${s(median(b))} (${b.map((x) => (x / 1000).toFixed(1)).join(", ")}) | ${s(median(f))} (${f.map((x) => (x / 1000).toFixed(1)).join(", ")}) | **${(median(b) / median(f)).toFixed(2)}×** |`;
  console.log(`\n${runs} runs each, medians (runs in parentheses)\n`);
  console.log("| command | berth, local stack | floor: empty program | ratio |\n|---|---|---|---|");
  console.log(row("`pulumi preview`", t.berthPreview, t.floorPreview));
  console.log(row("`pulumi up`, nothing changed", t.berthNoop, t.floorNoop));
  console.log(`\nfirst \`pulumi up\` (VM boot, bootstrap, app deploy): ${s(firstUp)}; \`pulumi destroy\`: ${s(destroy)}`);
} finally {
  await berth.run(["destroy", "--yes", "--stack", "local"]);
  berth.remove();
  floor.remove();
}
