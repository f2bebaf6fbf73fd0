// bootstrap.sh's package commands: a failure puts apt's (or dnf's) own reason into status.json,
// not only "command failed at line N". The outputs replayed here are apt's, recorded on a local
// VM (the kit's mirror behind the doctor tests' stand-ins); `apt-get` is a function that prints
// them and exits as apt did.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, sh } from "../helpers/script.js";

afterAll(removeTempDirs);

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** Runs `body` with `apt-get` replaced by a function that prints OUTPUT and exits CODE; the status file's errors. */
function failing(output: string, code: number, body: string): { code: number; errors: string[]; stdout: string } {
  const r = sh(`apt-get() { printf '%s\\n' ${q(output)}; return ${code}; }\n${body}`);
  const status = JSON.parse(readFileSync(join(r.state, "status.json"), "utf8")) as { phase: string; errors: string[] };
  expect(status.phase).toBe("failed");
  return { code: r.code, errors: status.errors, stdout: r.stdout };
}

const HASH_SUM = `Err:5 http://doc-standin.berth.lab/stale/linux/debian bookworm/stable amd64 Packages
  Hash Sum mismatch
E: Failed to fetch http://doc-standin.berth.lab/stale/linux/debian/dists/bookworm/stable/binary-amd64/Packages.gz  Hash Sum mismatch
E: Some index files failed to download. They have been ignored, or old ones used instead.`;

const NOT_SIGNED = `Err:2 http://doc-standin.berth.lab/resigned/linux/debian bookworm InRelease
  The following signatures couldn't be verified because the public key is not available: NO_PUBKEY 22BDA605CDEF55B1
Reading package lists...
W: GPG error: http://doc-standin.berth.lab/resigned/linux/debian bookworm InRelease: The following signatures couldn't be verified because the public key is not available: NO_PUBKEY 22BDA605CDEF55B1
E: The repository 'http://doc-standin.berth.lab/resigned/linux/debian bookworm InRelease' is not signed.`;

const NO_VERSION = `Reading package lists...
Building dependency tree...
Reading state information...
Package docker-ce is not available, but is referred to by another package.
This may mean that the package is missing, has been obsoleted, or
is only available from another source

E: Version '5:99.0.0' for 'docker-ce' was not found`;

describe("a failed package command names apt's reason in status.json", () => {
  it("apt-get update: the fetch that failed, not the summary after it", () => {
    const r = failing(HASH_SUM, 100, `pkg_run apt-get update || pkg_failed "apt-get update" $?`);
    expect(r.code).toBe(1);
    expect(r.errors).toEqual(["apt-get update failed (exit 100): E: Failed to fetch http://doc-standin.berth.lab/stale/linux/debian/dists/bookworm/stable/binary-amd64/Packages.gz  Hash Sum mismatch"]);
    expect(r.stdout).toContain("Err:5 http://doc-standin.berth.lab/stale/linux/debian bookworm/stable amd64 Packages\n  Hash Sum mismatch\n");
  });

  it("apt-get update: the signature warning that says which key is missing, with the error", () => {
    const r = failing(NOT_SIGNED, 100, `pkg_run apt-get update || pkg_failed "apt-get update" $?`);
    expect(r.errors).toEqual(["apt-get update failed (exit 100): W: GPG error: http://doc-standin.berth.lab/resigned/linux/debian bookworm InRelease: The following signatures couldn't be verified because the public key is not available: NO_PUBKEY 22BDA605CDEF55B1; E: The repository 'http://doc-standin.berth.lab/resigned/linux/debian bookworm InRelease' is not signed."]);
  });

  it("apt-get install", () => {
    const r = failing(NO_VERSION, 100, `pkg_run apt-get install -y docker-ce=5:99.0.0 || pkg_failed "apt-get install" $?`);
    expect(r.errors).toEqual(["apt-get install failed (exit 100): E: Version '5:99.0.0' for 'docker-ce' was not found"]);
  });

  it("a command that says nothing apt-like: its last line", () => {
    const r = failing("dpkg: error: something unforeseen\n", 2, `pkg_run apt-get install -y x || pkg_failed "apt-get install" $?`);
    expect(r.errors).toEqual(["apt-get install failed (exit 2): dpkg: error: something unforeseen"]);
  });

  it("a command that succeeds goes on, its output in the log", () => {
    const r = sh(`apt-get() { echo "Reading package lists..."; }; pkg_run apt-get update && echo went-on`);
    expect([r.code, r.stdout]).toEqual([0, "Reading package lists...\nwent-on\n"]);
  });
});

// apt's own words when another program holds its lists lock (apt 2.6, recorded on a local VM).
const LISTS_LOCKED = `Reading package lists...
E: Could not get lock /var/lib/apt/lists/lock. It is held by process 1943 (python3)
E: Unable to lock directory /var/lib/apt/lists/`;

describe("apt-get update waits for apt's lists lock instead of failing at once", () => {
  /** apt_get replaced (it runs in a pipeline, so it counts its calls in a file): locked for the first LOCKED calls, then an update that works. */
  const apt = (locked: number) => `apt_get() { echo x >>"$BERTH_STATE/calls"; if (($(wc -l <"$BERTH_STATE/calls") <= ${locked})); then printf '%s\\n' ${q(LISTS_LOCKED)}; return 100; fi; echo "Reading package lists..."; }`;

  it("tries again while apt says the lock is held, logging the holder once, then goes on", () => {
    const r = sh(`${apt(2)}; apt_update && echo "updated after $(wc -l <"$BERTH_STATE/calls") tries"`);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("updated after 3 tries");
    expect(r.stderr.match(/waiting for \/var\/lib\/apt\/lists\/lock, held by process 1943 \(python3\)\n/g)).toHaveLength(1);
    expect(r.stdout).not.toContain("Could not get lock");
  });

  it("fails after BERTH_APT_LOCK_TIMEOUT seconds, naming the lock and its holder", () => {
    const r = sh(`${apt(1000)}; apt_update`, { BERTH_APT_LOCK_TIMEOUT: "3" });
    expect(r.code).toBe(1);
    const status = JSON.parse(readFileSync(join(r.state, "status.json"), "utf8")) as { errors: string[] };
    expect(status.errors).toEqual(["/var/lib/apt/lists/lock is still held by process 1943 (python3) after 3 s"]);
  });

  it("fails at once on any other error", () => {
    const r = sh(`apt_get() { printf '%s\\n' ${q(HASH_SUM)}; return 100; }; apt_update`);
    const status = JSON.parse(readFileSync(join(r.state, "status.json"), "utf8")) as { errors: string[] };
    expect(status.errors[0]).toMatch(/^apt-get update failed \(exit 100\): E: Failed to fetch /);
  });
});

// apt-get update with the docker-ce mirror down (apt 2.6, recorded on a local VM): it exits 0.
const MIRROR_DOWN = `Hit:1 http://deb.debian.org/debian bookworm InRelease
Err:2 http://mirror.berth.lab:9/docker-ce/linux/debian bookworm InRelease
  Could not connect to mirror.berth.lab:9 (172.18.0.2). - connect (111: Connection refused)
Fetched 241 kB in 7s (34.4 kB/s)
Reading package lists...
W: Failed to fetch http://mirror.berth.lab:9/docker-ce/linux/debian/dists/bookworm/InRelease  Could not connect to mirror.berth.lab:9 (172.18.0.2). - connect (111: Connection refused)
W: Some index files failed to download. They have been ignored, or old ones used instead.`;

describe("docker-ce's package lists count as updated only once apt fetched them", () => {
  const update = `DOCKER_REPO=debian; update_docker_lists labkit-down http://mirror.berth.lab:9/docker-ce`;

  it("a mirror apt could not fetch (apt-get update exits 0) fails the run and leaves the lists due for an update", () => {
    const r = sh(`apt_get() { echo "Reading package lists..."; }; ${update} >/dev/null; apt_get() { printf '%s\\n' ${q(MIRROR_DOWN)}; }; (${update}) >/dev/null || true; [[ $(cat "$APT_MARK" 2>/dev/null) == "$(apt_sum)" ]] && echo current || echo due; exit 1`);
    expect([r.code, r.stdout]).toEqual([1, "due\n"]);
    const status = JSON.parse(readFileSync(join(r.state, "status.json"), "utf8")) as { errors: string[] };
    expect(status.errors).toEqual(["apt-get update could not fetch docker-ce's index from labkit-down: W: Failed to fetch http://mirror.berth.lab:9/docker-ce/linux/debian/dists/bookworm/InRelease  Could not connect to mirror.berth.lab:9 (172.18.0.2). - connect (111: Connection refused)"]);
  });

  it("an update that fetched them is remembered until the source list or keyring changes", () => {
    const current = `[[ $(cat "$APT_MARK" 2>/dev/null) == "$(apt_sum)" ]]`;
    const r = sh(`apt_get() { echo "Reading package lists..."; }; ${current} || echo due; ${update}; ${current} && echo current
      apt_sum() { echo other; }; ${current} || echo "due again"`);
    expect([r.code, r.stdout]).toEqual([0, "due\nReading package lists...\ncurrent\ndue again\n"]);
  });
});

describe("pkg_cause never fails the run itself", () => {
  it("says nothing for a command that printed nothing, and the run goes on to report the failure", () => {
    const r = sh(`apt-get() { return 100; }; pkg_run apt-get update || pkg_failed "apt-get update" $?`);
    expect(r.code).toBe(1);
    expect(r.stderr.match(/FAILED/g)).toHaveLength(1);
    expect((JSON.parse(readFileSync(join(r.state, "status.json"), "utf8")) as { errors: string[] }).errors).toEqual(["apt-get update failed (exit 100): "]);
  });
});
