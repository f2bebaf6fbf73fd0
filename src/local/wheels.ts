// wheels.ts — Python wheels the lab kit takes from PyPI when it is built, pinned by file name
// and sha256 (a changed file on the index is refused, never used).
//
//   const files = await fetchWheels(KIT_WHEELS);   // paths under ~/.cache/berth/kit/wheels/
//
// The index is BERTH_PYPI_INDEX (default https://pypi.org/simple), read in the simple-index
// layout every PyPI mirror serves (PEP 503), so a mirror works as well as PyPI itself.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "./engine.js";

export interface Wheel {
  /** The project name as PyPI normalizes it (PEP 503). */
  readonly project: string;
  readonly version: string;
  readonly file: string;
  readonly sha256: string;
}

const w = (project: string, version: string, file: string, sha256: string): Wheel => ({ project, version, file, sha256 });

/** pip itself: the conda stand-in puts it into every environment it makes (checked 2026-11-27 on pypi.org). */
export const PIP_WHEEL = w("pip", "24.3.1", "pip-24.3.1-py3-none-any.whl", "3790624780082365f47549d032f3770eeb2b1e8bd1f7b2e02dace1afa361b4ed");

/**
 * The kit's PyPI index: requests and its dependencies (pure Python, except charset-normalizer's
 * compiled cp311 manylinux wheel), MarkupSafe (compiled), six, and pip. cp311 because the local
 * VM's Python is Debian 12's 3.11.
 */
export const KIT_WHEELS: readonly Wheel[] = [
  PIP_WHEEL,
  w("requests", "2.32.3", "requests-2.32.3-py3-none-any.whl", "70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6"),
  w("charset-normalizer", "3.4.0", "charset_normalizer-3.4.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "3710a9751938947e6327ea9f3ea6332a09bf0ba0c09cae9cb1f250bd1f1549bc"),
  w("idna", "3.10", "idna-3.10-py3-none-any.whl", "946d195a0d259cbba61165e88e65941f16e9b36ea6ddb97f00452bae8b1287d3"),
  w("urllib3", "2.2.3", "urllib3-2.2.3-py3-none-any.whl", "ca899ca043dcb1bafa3e262d73aa25c465bfb49e0bd9dd5d59f1d0acba2f8fac"),
  w("certifi", "2024.8.30", "certifi-2024.8.30-py3-none-any.whl", "922820b53db7a7257ffbda3f597266d435245903d80737e34f8a45ff3e3230d8"),
  w("markupsafe", "3.0.2", "MarkupSafe-3.0.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "a123e330ef0853c6e822384873bef7507557d8e4a082961e1defa947aa59ba84"),
  w("six", "1.17.0", "six-1.17.0-py2.py3-none-any.whl", "4721f391ed90541fddacab5acf947aa0d3dc7d27b2e1e8eda2be8970586c3274"),
];

/** proxpi, the PyPI caching index in the berth cache image. */
export const PROXPI_WHEEL = w("proxpi", "1.3.1", "proxpi-1.3.1-py3-none-any.whl", "ebb6c53778f1793d360d6f4dad6c5ab90fae2ca5eba8fd4cdcc293b448f36636");

/** `<a href="URL#sha256=…">file</a>` links of a simple-index project page, by file name. */
export function simpleLinks(html: string, base: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(/<a\s[^>]*href="([^"]+)"[^>]*>([^<]+)<\/a>/gi)) {
    const href = m[1]!.replace(/&amp;/g, "&");
    out.set(m[2]!.trim(), new URL(href, base).toString());
  }
  return out;
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** The wheels as local files, downloaded once and checked against their pinned sha256. */
export async function fetchWheels(wheels: readonly Wheel[]): Promise<Map<string, string>> {
  const dir = cacheDir("kit", "wheels");
  mkdirSync(dir, { recursive: true });
  const index = (process.env.BERTH_PYPI_INDEX ?? "https://pypi.org/simple").replace(/\/+$/, "");
  const out = new Map<string, string>();
  for (const wheel of wheels) {
    const path = join(dir, wheel.file);
    if (!existsSync(path) || sha256(readFileSync(path)) !== wheel.sha256) {
      const page = `${index}/${wheel.project}/`;
      const res = await fetch(page, { headers: { Accept: "text/html" } });
      if (!res.ok) throw new Error(`${page} answered ${res.status} — the kit's wheels come from a PyPI index (BERTH_PYPI_INDEX chooses another)`);
      const url = simpleLinks(await res.text(), page).get(wheel.file);
      if (!url) throw new Error(`${page} does not list ${wheel.file}`);
      const body = Buffer.from(await (await fetch(url)).arrayBuffer());
      const got = sha256(body);
      if (got !== wheel.sha256) throw new Error(`${wheel.file} from ${url} has sha256 ${got}, not the pinned ${wheel.sha256} — refusing it`);
      writeFileSync(`${path}.part`, body);
      renameSync(`${path}.part`, path);
    }
    out.set(wheel.file, path);
  }
  return out;
}
