/**
 * A roster file → the lab's students, or every problem in it, each naming the file, the row (the
 * file's line, as a spreadsheet numbers it) and the column. Rows a spreadsheet export adds that
 * are not students are skipped and counted: empty rows (`,,,`), repeated header rows (several
 * sheets pasted together), a total row (合计). Everything else that does not make a student — an
 * empty id, an id Excel turned into a number like 2.02221E+11, a duplicate, two ids that become
 * the same host name, a malformed public key — is an error.
 */
import { parsePublicKey } from "../ssh-keys.js";
import { hasControl } from "../values.js";
import { columnName, findColumns, norm, type ColumnNames, type Columns, type Field } from "./columns.js";
import { CsvProblem, readCsv } from "./csv.js";
import { decodeRoster, type RosterEncoding } from "./decode.js";
import { hostNameOf } from "./slug.js";

export interface Student {
  readonly id: string;
  /** `<prefix>-<slug>`: the host's name, stable for this id. */
  readonly hostName: string;
  readonly name?: string;
  readonly email?: string;
  /** The student's own OpenSSH public key line, when the roster gives one. */
  readonly sshPublicKey?: string;
  /** The file's line the row is on. */
  readonly line: number;
}

export interface RosterSummary {
  readonly encoding: string;
  /** Rows in the file, header included. */
  readonly rows: number;
  readonly students: number;
  readonly skipped: { readonly empty: number; readonly headers: number; readonly totals: number };
}

export type RosterResult = { ok: true; students: Student[]; summary: RosterSummary } | { ok: false; problems: string[] };

export interface RosterOptions {
  /** How messages name the file (as the stack file wrote it). */
  readonly shown: string;
  readonly encoding?: RosterEncoding;
  readonly columns?: ColumnNames;
  /** Host name prefix and the provider's name limit in characters. */
  readonly prefix: string;
  readonly nameLimit: number;
}

const TOTALS = ["合计", "总计", "小计", "总数", "total", "totals", "sum"];
const EXCEL_NUMBER = /^[+-]?\d+(\.\d+)?E[+-]?\d+$/i;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function cell(cells: readonly string[], i: number | undefined): string {
  return i === undefined ? "" : (cells[i] ?? "");
}

export function readRoster(bytes: Uint8Array, opts: RosterOptions): RosterResult {
  const { text, encoding } = decodeRoster(bytes, opts.encoding);
  const file = opts.shown;
  let rows;
  try {
    rows = readCsv(text).rows;
  } catch (e) {
    if (e instanceof CsvProblem) return { ok: false, problems: [`${file}${e.line ? ` row ${e.line}` : ""}: ${e.message}`] };
    throw e;
  }
  const filled = rows.filter((r) => r.cells.some((c) => c !== ""));
  const headerRow = filled[0];
  if (!headerRow) return { ok: false, problems: [`${file}: the file is empty — it needs a header row (id, name, email, sshPublicKey — or 学号, 姓名, 邮箱, 公钥) and one row per student`] };
  const found = findColumns(headerRow.cells, opts.columns ?? {});
  if ("problem" in found) return { ok: false, problems: [`${file} row ${headerRow.line}: ${found.problem}`] };
  const cols: Columns = found;
  const idAt = cols.index.id;
  if (idAt === undefined) {
    const serial = cols.serial !== undefined ? ` (${columnName(cols, cols.serial)} is a row serial, not a student id)` : "";
    return { ok: false, problems: [`${file} row ${headerRow.line}: no student id column${serial} — name one id, student_id or 学号, or set berth:lab.columns.id to the header of the column that holds the ids (the header row has ${headerRow.cells.map((h) => JSON.stringify(h)).join(", ")})`] };
  }
  const at = (f: Field, line: number) => `${file} row ${line}, ${columnName(cols, cols.index[f] ?? 0)}`;
  const headerKey = JSON.stringify(headerRow.cells.map(norm));
  const problems: string[] = [];
  const students: Student[] = [];
  const byId = new Map<string, Student>();
  const byHost = new Map<string, Student>();
  const skipped = { empty: rows.length - filled.length, headers: 0, totals: 0 };
  for (const row of filled.slice(1)) {
    const { cells, line } = row;
    if (JSON.stringify(cells.map(norm)) === headerKey) {
      skipped.headers++;
      continue;
    }
    const id = cell(cells, idAt);
    const isTotal = cells.some((c) => TOTALS.includes(c.toLowerCase())) && (id === "" || TOTALS.includes(id.toLowerCase()));
    if (isTotal) {
      skipped.totals++;
      continue;
    }
    if (id === "") {
      const seen = cells.filter((c) => c !== "").slice(0, 3).map((c) => JSON.stringify(c)).join(", ");
      problems.push(`${at("id", line)}: no student id (the row has ${seen}) — fill it in, or delete the row`);
      continue;
    }
    if (EXCEL_NUMBER.test(id)) {
      problems.push(`${at("id", line)}: "${id}" is an id a spreadsheet turned into a number (digits and leading zeros are lost) — format the id column as Text, type or paste the ids again, and save the file again`);
      continue;
    }
    if (hasControl(id)) {
      problems.push(`${at("id", line)}: the id contains control characters (tabs, line breaks) — retype it`);
      continue;
    }
    const first = byId.get(id);
    if (first) {
      problems.push(`${at("id", line)}: id "${id}" is already on row ${first.line} — each student once`);
      continue;
    }
    const hostName = hostNameOf(opts.prefix, id, opts.nameLimit);
    const clash = byHost.get(hostName);
    if (clash) {
      problems.push(`${at("id", line)}: ids "${id}" and "${clash.id}" (row ${clash.line}) both become the host name ${hostName} — make them differ by more than case and punctuation`);
      continue;
    }
    const name = cell(cells, cols.index.name);
    const email = cell(cells, cols.index.email);
    const key = cell(cells, cols.index.sshPublicKey);
    if (email !== "" && !EMAIL.test(email)) problems.push(`${at("email", line)}: "${email}" is not an email address`);
    if (key !== "") {
      const k = parsePublicKey(key);
      if (typeof k === "string") problems.push(`${at("sshPublicKey", line)}: ${k}`);
      else if (k.type === "ssh-rsa" && (k.bits ?? 0) < 2048) problems.push(`${at("sshPublicKey", line)}: a ${k.bits}-bit RSA key is too weak for current OpenSSH servers — the student makes a new one: ssh-keygen -t ed25519`);
    }
    const student: Student = { id, hostName, line, ...(name ? { name } : {}), ...(email ? { email } : {}), ...(key ? { sshPublicKey: key.trim() } : {}) };
    byId.set(id, student);
    byHost.set(hostName, student);
    students.push(student);
  }
  if (problems.length > 0) return { ok: false, problems };
  if (students.length === 0) return { ok: false, problems: [`${file}: no students — the file has only a header row (${headerRow.cells.join(", ")})${skipped.empty + skipped.headers + skipped.totals > 0 ? " and rows that are not students" : ""}`] };
  return { ok: true, students, summary: { encoding, rows: rows.length, students: students.length, skipped } };
}
