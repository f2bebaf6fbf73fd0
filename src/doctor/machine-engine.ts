/** For local stacks: this machine's Docker engine and the lab kit's mirror and registry. */
import type Docker from "dockerode";
import { engine } from "../local/engine.js";
import { check, type Check } from "./report.js";

export const KIT_CONTAINERS = ["berth-kit-mirror", "berth-kit-registry"] as const;

export async function engineChecks(provider: string | undefined, client: Docker = engine(), kit: readonly string[] = KIT_CONTAINERS): Promise<Check[]> {
  if (provider !== "local") {
    const params = { provider: provider ?? "?" };
    return [check("engine", "engine.na", params, [], { status: "skip" }), check("kit", "engine.na", params, [], { status: "skip" })];
  }
  let version: string;
  try {
    version = (await client.version()).Version;
  } catch (e) {
    const detail = (e as Error).message.split("\n")[0] ?? "";
    return [
      check("engine", "engine.down", {}, [{ id: "engine-down", params: { detail }, evidence: [detail] }]),
      check("kit", "kit.down", { missing: kit.join(", ") }, [], { status: "skip" }),
    ];
  }
  const running = await client.listContainers({ filters: { name: [...kit] } });
  const names = new Set(running.flatMap((c) => c.Names.map((n) => n.replace(/^\//, ""))));
  const missing = kit.filter((n) => !names.has(n));
  return [
    check("engine", "engine.ok", { version }),
    missing.length === 0
      ? check("kit", "kit.ok", {})
      : check("kit", "kit.down", { missing: missing.join(", ") }, [{ id: "kit-down", params: { missing: missing.join(", ") }, evidence: [] }]),
  ];
}
