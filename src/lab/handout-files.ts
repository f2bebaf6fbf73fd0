/**
 * Writing a lab's handouts into a directory, idempotently:
 *
 *   DIR/instructor.csv, DIR/instructor.md           every student (no private keys)
 *   DIR/students/<host name>/handout.{en,zh}.{md,html}
 *   DIR/students/<host name>/id_ed25519             mode 0600, only when berth made the key
 *
 * A file is written only when its bytes change; a student directory berth wrote (it holds a
 * `.berth-handout` marker) whose student left the roster is removed. Nothing else in DIR is
 * touched.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StudentHost } from "../components/lab.js";
import { handoutHtml, handoutMarkdown, instructorCsv, instructorMarkdown, KEY_FILE, type HandoutInput } from "./handout.js";
import { LANGS } from "./handout-texts.js";

export const MARKER = ".berth-handout";

export interface LabStackOutputs {
  readonly lab?: { name: string; expires: string; expiresAt: string; handouts: string; students: number };
  readonly students?: Record<string, StudentHost>;
  readonly studentKeys?: Record<string, string>;
}

export interface HandoutResult {
  readonly written: string[];
  readonly unchanged: number;
  readonly removed: string[];
}

export function writeHandouts(out: LabStackOutputs, dir: string, opts: { condaEnv: string | null }): HandoutResult {
  const lab = out.lab;
  if (!lab || !out.students) throw new Error("not a lab stack's outputs");
  const students = Object.values(out.students).sort((a, b) => a.hostName.localeCompare(b.hostName));
  const keys = out.studentKeys ?? {};
  const hasKey = (id: string) => typeof keys[id] === "string" && keys[id] !== "";
  const result = { written: [] as string[], unchanged: 0, removed: [] as string[] };
  const put = (path: string, text: string, mode = 0o644) => {
    if (existsSync(path) && readFileSync(path, "utf8") === text) {
      chmodSync(path, mode);
      result.unchanged++;
      return;
    }
    writeFileSync(path, text, { mode });
    chmodSync(path, mode); // writeFileSync's mode applies only to a new file
    result.written.push(path);
  };
  mkdirSync(join(dir, "students"), { recursive: true });
  put(join(dir, "instructor.csv"), instructorCsv(students, hasKey));
  put(join(dir, "instructor.md"), instructorMarkdown(lab.name, lab.expires, students, hasKey));
  for (const s of students) {
    const sd = join(dir, "students", s.hostName);
    mkdirSync(sd, { recursive: true, mode: 0o700 });
    put(join(sd, MARKER), `${s.id}\n`);
    const input: HandoutInput = { course: lab.name, student: s, hasKeyFile: hasKey(s.id), expires: lab.expires, condaEnv: opts.condaEnv };
    for (const lang of LANGS) {
      put(join(sd, `handout.${lang}.md`), handoutMarkdown(input, lang));
      put(join(sd, `handout.${lang}.html`), handoutHtml(input, lang));
    }
    const key = keys[s.id];
    if (key) put(join(sd, KEY_FILE), key.endsWith("\n") ? key : `${key}\n`, 0o600);
    else if (existsSync(join(sd, KEY_FILE))) {
      rmSync(join(sd, KEY_FILE));
      result.removed.push(join(sd, KEY_FILE));
    }
  }
  const current = new Set(students.map((s) => s.hostName));
  for (const name of readdirSync(join(dir, "students"))) {
    const sd = join(dir, "students", name);
    if (current.has(name) || !existsSync(join(sd, MARKER))) continue;
    rmSync(sd, { recursive: true, force: true });
    result.removed.push(sd);
  }
  return result;
}
