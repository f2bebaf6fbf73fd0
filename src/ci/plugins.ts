/**
 * Provider plugins a stack needs beyond the Node.js ones berth ships. berth's hosts are dynamic
 * providers (no plugin) except DigitalOcean, whose Pulumi provider is a plugin binary. The
 * pinned CLI keeps automatic plugin downloads off, so CI installs the one plugin explicitly, at the
 * version of the npm package the program uses.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";

/** `pulumi plugin install` argument lists for the stack; none for local, existing and Tencent hosts. */
export function pluginInstalls(stackFileText: string, projectDir: string): string[][] {
  const doc = parseYaml(stackFileText) as { config?: Record<string, unknown> } | null;
  const host = doc?.config?.["berth:host"] as { provider?: unknown } | undefined;
  if (host?.provider !== "digitalocean") return [];
  const pkg = join(projectDir, "node_modules/@pulumi/digitalocean/package.json");
  if (!existsSync(pkg)) throw new Error(`${pkg} is missing: run npm ci in ${projectDir}`);
  const meta = JSON.parse(readFileSync(pkg, "utf8")) as { version: string; pulumi?: { version?: string } };
  const version = meta.pulumi?.version ?? meta.version;
  return [["plugin", "install", "resource", "digitalocean", `v${version}`]];
}
