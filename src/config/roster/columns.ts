/**
 * Which roster column is which, from the header row as school systems and spreadsheets write it:
 * English or Chinese names (学号 = student number, 姓名 = name, 邮箱 = email, 公钥 = public key),
 * any case, spaces and punctuation ignored. 序号 (and No., #) is a row serial, never the id.
 */
export const FIELDS = ["id", "name", "email", "sshPublicKey"] as const;
export type Field = (typeof FIELDS)[number];

const KNOWN: Record<Field, readonly string[]> = {
  id: ["id", "studentid", "studentnumber", "studentno", "sid", "username", "login", "学号", "学生学号", "学籍号", "账号"],
  name: ["name", "fullname", "studentname", "姓名", "名字", "学生姓名"],
  email: ["email", "mail", "emailaddress", "邮箱", "电子邮箱", "电子邮件", "邮件"],
  sshPublicKey: ["sshpublickey", "publickey", "sshkey", "pubkey", "公钥", "ssh公钥"],
};

/** Row serials: numbered rows, not students' ids. */
export const SERIAL_HEADERS = ["序号", "no", "#", "rowno", "行号"];

/** Header text as compared: lowercase, without spaces, `_`, `-`, `.`, and a BOM. */
export const norm = (h: string) => h.replace(/^\uFEFF/, "").toLowerCase().replace(/[\s_\-.:：]+/g, "");

/** Column letter as a spreadsheet shows it: 0 → A, 26 → AA. */
export function letter(i: number): string {
  let s = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

export type ColumnNames = Partial<Record<Field, string>>;

export interface Columns {
  readonly index: Partial<Record<Field, number>>;
  readonly header: readonly string[];
  /** Column index of a row serial (序号), if any. */
  readonly serial: number | undefined;
}

/** Map the header cells to fields; `given` (berth:lab.columns) names a header explicitly. */
export function findColumns(header: readonly string[], given: ColumnNames): Columns | { problem: string } {
  const normed = header.map(norm);
  const index: Partial<Record<Field, number>> = {};
  for (const f of FIELDS) {
    const want = given[f];
    if (want !== undefined) {
      const at = normed.indexOf(norm(want));
      if (at < 0) return { problem: `berth:lab.columns.${f} is "${want}", but the header row has no such column (it has ${header.map((h) => JSON.stringify(h)).join(", ")})` };
      index[f] = at;
      continue;
    }
    const at = normed.findIndex((h) => KNOWN[f].includes(h));
    if (at >= 0) index[f] = at;
  }
  const serialAt = normed.findIndex((h) => SERIAL_HEADERS.includes(h));
  return { index, header, serial: serialAt >= 0 ? serialAt : undefined };
}

/** How a column is named in messages: `column 学号 (B)`. */
export function columnName(cols: Columns, i: number): string {
  const h = cols.header[i];
  return h ? `column ${h} (${letter(i)})` : `column ${letter(i)}`;
}
