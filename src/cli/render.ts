/** `berth render --stack FILE [--out DIR]`: print the user-data, or write it and bootstrap.sh. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadStackFile } from "../config/stackfile.js";
import { RenderError, render } from "../bootstrap/render.js";

export interface RenderOptions {
  readonly stack: string;
  readonly out?: string;
}

export interface CommandIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

/** Returns the exit code; writes nothing unless the config is valid and fits its budget. */
export function renderCommand(opts: RenderOptions, io: CommandIo): number {
  const loaded = loadStackFile(opts.stack);
  if (!loaded.ok) {
    io.stderr(`${opts.stack}: ${loaded.errors.length} problem${loaded.errors.length === 1 ? "" : "s"}:\n${loaded.errors.map((e) => `  ${e.replace(/\n/g, "\n    ")}\n`).join("")}`);
    return 1;
  }
  let rendered;
  try {
    rendered = render(loaded.config);
  } catch (e) {
    if (e instanceof RenderError) {
      io.stderr(`${opts.stack}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const lab = loaded.config.lab;
  if (lab) io.stderr(`lab ${lab.namePrefix}: ${lab.students.length} students from ${lab.roster}; this is the bootstrap they share — each host's user-data adds its student's key (ssh_authorized_keys)\n`);
  if (opts.out === undefined) {
    io.stdout(rendered.userData);
    return 0;
  }
  mkdirSync(opts.out, { recursive: true });
  writeFileSync(join(opts.out, "user-data"), rendered.userData);
  writeFileSync(join(opts.out, "bootstrap.sh"), rendered.script, { mode: 0o755 });
  io.stderr(`wrote ${join(opts.out, "user-data")} (${Buffer.byteLength(rendered.userData)} bytes${rendered.compressed ? ", sent gzip-compressed to fit the provider's limit" : ""}) and ${join(opts.out, "bootstrap.sh")}\n`);
  return 0;
}
