// globalSetup for the integration tier: brings the lab kit up once (idempotent, cached).
// Needs a Docker engine (scripts/docker-engine.sh starts one). Set BERTH_KIT_DOWN_AFTER=1
// to remove the kit's containers/volumes/network when the run ends (images stay cached).
import { engine } from "../../src/local/engine.js";
import { kitDown, kitUp } from "../../src/local/kit.js";

export async function setup(): Promise<void> {
  try {
    await engine().ping();
  } catch (e) {
    throw new Error(`integration tests need a Docker engine: run scripts/docker-engine.sh (${String(e)})`);
  }
  const t0 = Date.now();
  await kitUp({ log: (line) => console.log(line) });
  console.log(`kit up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

export async function teardown(): Promise<void> {
  if (process.env.BERTH_KIT_DOWN_AFTER === "1") await kitDown();
}
