// A local VM whose user-data only installs docker-ce from the lab kit mirror, the way a
// rendered bootstrap does it with cloud-init's own apt sources + packages modules.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kitUp } from "../../src/local/kit.js";
import { createVm, destroyVm, type LocalVm } from "../../src/local/vm.js";
import { dockerCeCloudConfig, sh, testVmName } from "./helpers.js";

const NAME = testVmName("docker");

describe("local VM whose user-data installs docker-ce from the mirror", () => {
  let vm: LocalVm;

  beforeAll(async () => {
    const kit = await kitUp();
    await destroyVm(NAME);
    vm = await createVm({ name: NAME, userData: await dockerCeCloudConfig(kit.mirrorHostUrl, kit.mirrorUrl), timeoutMs: 480_000 });
    console.log(`${NAME}: container start -> cloud-init ${vm.cloudInitStatus} in ${vm.bootMs} ms`);
  });
  afterAll(async () => {
    await destroyVm(NAME);
  });

  it("finishes cloud-init with a running docker engine on overlay2", async () => {
    expect(vm.cloudInitStatus).toBe("done");
    const r = await sh(vm.containerId, "systemctl is-active docker && docker info --format '{{.Driver}}'");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toBe("active\noverlay2\n");
    const src = await sh(vm.containerId, "apt-cache policy docker-ce | sed -n 2,3p");
    expect(src.stdout).toContain("5:20.10.24~3-0~debian-bookworm");
  });
});
