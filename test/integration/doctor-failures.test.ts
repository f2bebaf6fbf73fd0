// berth doctor against the failures users hit, each produced for real on one local VM: the
// real bootstrap re-run with changed inputs, stand-in servers on berth-lab answering like a bad
// mirror or Docker Hub (doctor-standin.py), keys and installers the bootstrap refuses to trust,
// held apt locks, a full tmpfs, a dead resolver, hosts written into daemon.json by hand, a
// firewall rule in the VM standing in for a cloud security group. The cases are in
// doctor-cases-*.ts; they share one VM (a boot is the expensive part) and run in order.
import { afterAll, beforeAll, describe, it } from "vitest";
import { deploy } from "../../src/deploy/deploy.js";
import { destroyVm } from "../../src/local/vm.js";
import { app, ssh } from "./doctor-assert.js";
import { APT_CASES } from "./doctor-cases-apt.js";
import { BOOTSTRAP_CASES } from "./doctor-cases-bootstrap.js";
import { HOST_CASES } from "./doctor-cases-host.js";
import { TRUST_CASES } from "./doctor-cases-trust.js";
import { Lab } from "./doctor-lab.js";

let lab: Lab | undefined;

beforeAll(async () => {
  lab = await Lab.up("doc-failures");
  const ex = ssh(lab);
  try {
    await deploy(ex, app(), { log: () => undefined });
  } finally {
    await ex.close();
  }
});

afterAll(async () => {
  await Lab.down(lab, destroyVm);
});

const onLab = (fn: (lab: Lab) => Promise<void>) => async () => {
  if (!lab) throw new Error("the lab VM did not boot");
  await fn(lab);
};

describe("berth doctor on a host", () => {
  const [healthy, ...rest] = HOST_CASES;
  if (healthy) it(healthy[0], onLab(healthy[1]));
  for (const [name, fn] of [...BOOTSTRAP_CASES, ...TRUST_CASES, ...APT_CASES]) it(name, onLab(fn));
  for (const [name, fn] of rest) it(name, onLab(fn));
});
