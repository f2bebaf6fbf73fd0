// bootstrap.sh with a cache first in its chains: the first PyPI index / conda channel / registry
// mirror that answers is used, a host that did not connect is skipped by later parts without
// another wait, and the status file says what did not answer.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTempDirs, shAsync } from "../helpers/script.js";

let server: Server;
let good = "";
let dead = "";
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? "");
    if (req.url === "/v2/") return void ((res.statusCode = 401), res.end("{}"));
    res.statusCode = req.url === "/pypi/simple/pip/" || req.url === "/anaconda/" ? 200 : 404;
    res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  good = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((r) => closed.close(() => r()));
});
afterAll(async () => {
  removeTempDirs();
  await new Promise<void>((r) => server.close(() => r()));
});

const list = (lines: string[]) => `printf '%s\\n' ${lines.map((l) => JSON.stringify(l)).join(" ")} >"$BERTH_ETC/mirrors.list"`;

describe("picking a mirror per part at boot", () => {
  it("takes the next PyPI index when the cache's does not connect, and installs that index's pip.conf", async () => {
    const r = await shAsync(`${list([`pypi cache ${dead}/pypi/simple`, `pypi labkit ${good}/pypi/simple`])}
      printf 'cache\\n' >"$BERTH_ETC/pip.conf"; printf 'labkit\\n' >"$BERTH_ETC/pip.conf.1"
      install_if_changed() { cp "$1" "$BERTH_STATE/installed"; }
      configure_pip; printf '%s|%s|%s|%s' "$PICKED_INDEX" "\${USED[pypi]}" "\${UNREACHABLE[*]}" "$(cat "$BERTH_STATE/installed")"`, { BERTH_PROBE_TIMEOUT: "2" });
    expect(r.stderr).not.toMatch(/FAILED/);
    expect(r.stdout).toBe("1|labkit|pypi cache|labkit");
    expect(r.stderr).toContain(`pypi mirror cache (${dead}/pypi/simple) did not answer; trying the next`);
  });

  it("takes a lone mirror without probing it", async () => {
    const before = seen.length;
    const r = await shAsync(`${list([`pypi only ${good}/pypi/simple`])}; pick_part pypi /pip/; printf '%s %s' "$PICKED_INDEX" "$PICKED_NAME"`);
    expect(r.stdout).toBe("0 only");
    expect(seen.length).toBe(before);
  });

  it("skips a host that did not connect for every later part, without waiting on it again", async () => {
    const r = await shAsync(`${list([`pypi cache ${dead}/pypi/simple`, `pypi labkit ${good}/pypi/simple`, `conda cache ${dead}/anaconda`, `conda labkit ${good}/anaconda`])}
      pick_part pypi /pip/ >/dev/null; curl() { echo "curl called for $*" >&2; return 7; }
      pick_part conda / || echo "none answered"; printf '%s %s|%s' "$PICKED_INDEX" "$PICKED_NAME" "\${UNREACHABLE[*]}"`, { BERTH_PROBE_TIMEOUT: "2" });
    // conda's cache entry is skipped without curl; its labkit entry is probed (and the stubbed curl fails it).
    expect(r.stderr.match(/curl called for/g)?.length).toBe(1);
    expect(r.stderr).toContain(`${good}/anaconda/`);
    expect(r.stdout).toBe("none answered\n1 labkit|pypi cache conda cache conda labkit");
  });

  it("records the first registry mirror that answers /v2/ (401 counts) as the Docker Hub source", async () => {
    const r = await shAsync(`${list([`registry cache ${dead}`, `registry kit ${good}`])}; pick_registry; printf '%s|%s' "\${USED[docker-hub]}" "\${UNREACHABLE[*]}"`, { BERTH_PROBE_TIMEOUT: "2" });
    expect(r.stdout).toBe("kit|docker-hub cache");
  });

  it("says docker.io when no registry mirror answers", async () => {
    const r = await shAsync(`${list([`registry cache ${dead}`])}; pick_registry; printf '%s' "\${USED[docker-hub]}"`, { BERTH_PROBE_TIMEOUT: "2" });
    expect(r.stdout).toBe("docker.io");
  });

  it("writes what did not answer into the status file", async () => {
    const r = await shAsync(`UNREACHABLE=("docker-ce cache" "pypi cache"); USED[pypi]=labkit; write_status`);
    const s = JSON.parse(readFileSync(join(r.state, "status.json"), "utf8")) as { unreachable: string[]; mirrors: Record<string, string> };
    expect(s.unreachable).toEqual(["docker-ce cache", "pypi cache"]);
    expect(s.mirrors).toEqual({ pypi: "labkit" });
  });
});
