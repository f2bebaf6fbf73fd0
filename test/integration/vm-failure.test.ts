// createVm's failure path: a bootstrap that reports "failed" in berth's status file makes
// createVm reject with the log tails, and leaves no container or volume behind.
import { describe, expect, it } from "vitest";
import { engine, VM_LABEL } from "../../src/local/engine.js";
import { createVm, listVms } from "../../src/local/vm.js";
import { testVmName } from "./helpers.js";

const NAME = testVmName("failing");
const USER_DATA = `#cloud-config
runcmd:
  - [ sh, -c, "mkdir -p /var/log/berth /var/lib/berth && echo 'berth: FAILED: it-marker-42' >> /var/log/berth/bootstrap.log" ]
  - [ sh, -c, "echo '{\\"phase\\":\\"failed\\",\\"errors\\":[\\"it-marker-42\\"]}' > /var/lib/berth/status.json" ]
`;

describe("local VM whose bootstrap fails", () => {
  it("rejects with the bootstrap log tail and cleans up", async () => {
    const error = await createVm({ name: NAME, userData: USER_DATA, waitForStatusFile: true, timeoutMs: 300_000 }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toContain(`local VM "${NAME}": bootstrap failed`);
    expect(error?.message).toContain("--- tail of /var/log/berth/bootstrap.log ---\nberth: FAILED: it-marker-42");
    expect(error?.message).toContain("--- tail of /var/log/cloud-init-output.log ---");
    expect(await listVms()).not.toContain(NAME);
    const { Volumes } = await engine().listVolumes({ filters: { label: [`${VM_LABEL}=${NAME}`] } });
    expect(Volumes ?? []).toHaveLength(0);
  });

  it("refuses a name that is not a hostname before touching the engine", async () => {
    await expect(createVm({ name: "Bad_Name", userData: "#cloud-config\n", timeoutMs: 1000 })).rejects.toThrow(
      'VM name "Bad_Name": use lowercase letters, digits and "-" (a hostname)',
    );
  });
});
