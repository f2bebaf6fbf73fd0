// Rosters as instructors export them from spreadsheets: every encoding, separator and line ending
// the field notes list, the rows exports add that are not students, and every problem named by
// file, row and column. Fixtures are made here: GB18030 by the system's iconv (glibc), UTF-16LE
// by Node's Buffer, so the decoder under test never encodes its own input.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { readRoster, type RosterOptions } from "../../src/config/roster/roster.js";
import { slugOf } from "../../src/config/roster/slug.js";
import { PUBKEY } from "../helpers/config.js";

const OPTS: RosterOptions = { shown: "rosters/ml.csv", prefix: "ml", nameLimit: 52 };
const utf8 = (s: string) => new TextEncoder().encode(s);
const gb18030 = (s: string) => new Uint8Array(execFileSync("iconv", ["-f", "UTF-8", "-t", "GB18030"], { input: s }));

function students(bytes: Uint8Array, opts: Partial<RosterOptions> = {}) {
  const r = readRoster(bytes, { ...OPTS, ...opts });
  if (!r.ok) throw new Error(r.problems.join("\n"));
  return r;
}
function problems(bytes: Uint8Array, opts: Partial<RosterOptions> = {}): string[] {
  const r = readRoster(bytes, { ...OPTS, ...opts });
  if (r.ok) throw new Error(`expected problems, read ${r.students.length} students`);
  return r.problems;
}

const CHINESE = "序号,学号,姓名,邮箱\r\n1,2022110001,张三,zhangsan@uni.edu.cn\r\n2,2022110002,李四,lisi@uni.edu.cn\r\n3,2022110003,王五,\r\n";
const IDS = ["2022110001", "2022110002", "2022110003"];

describe("encodings spreadsheets write", () => {
  it("Excel's CSV UTF-8: a BOM, Chinese headers, 序号 is not the id", () => {
    const r = students(utf8(`\uFEFF${CHINESE}`));
    expect(r.students.map((s) => [s.id, s.name, s.email ?? "", s.hostName, s.line])).toEqual([
      ["2022110001", "张三", "zhangsan@uni.edu.cn", "ml-2022110001", 2],
      ["2022110002", "李四", "lisi@uni.edu.cn", "ml-2022110002", 3],
      ["2022110003", "王五", "", "ml-2022110003", 4],
    ]);
    expect(r.summary).toEqual({ encoding: "UTF-8 with BOM", rows: 4, students: 3, skipped: { empty: 0, headers: 0, totals: 0 } });
  });

  it("plain CSV from a Chinese Excel: GB18030, read without being told", () => {
    const r = students(gb18030(CHINESE));
    expect(r.students.map((s) => s.id)).toEqual(IDS);
    expect(r.students.map((s) => s.name)).toEqual(["张三", "李四", "王五"]);
    expect(r.summary.encoding).toMatch(/^GB18030/);
  });

  it("Unicode text: UTF-16LE with a BOM and tabs", () => {
    const text = CHINESE.replace(/,/g, "\t");
    const r = students(new Uint8Array(Buffer.from(`\uFEFF${text}`, "utf16le")));
    expect(r.students.map((s) => [s.id, s.name])).toEqual([["2022110001", "张三"], ["2022110002", "李四"], ["2022110003", "王五"]]);
    expect(r.summary.encoding).toBe("UTF-16LE");
  });

  it("UTF-16LE without a BOM", () => {
    const r = students(new Uint8Array(Buffer.from("id\tname\r\ns1\tAda\r\n", "utf16le")));
    expect(r.students.map((s) => [s.id, s.name])).toEqual([["s1", "Ada"]]);
  });

  it("Windows-1252 with ; separators when berth:lab.encoding says so", () => {
    const bytes = new Uint8Array(Buffer.from("id;name\ns1;Jos\xe9\ns2;Ren\xe9e\n", "latin1"));
    const r = students(bytes, { encoding: "windows-1252" });
    expect(r.students.map((s) => s.name)).toEqual(["José", "Renée"]);
  });
});

describe("line endings and separators", () => {
  it("old Mac Excel's CR-only line endings", () => {
    expect(students(utf8("id,name\rs1,Ada\rs2,Grace\r")).students.map((s) => [s.id, s.line])).toEqual([["s1", 2], ["s2", 3]]);
  });

  it("CRLF, LF and CR mixed in one file, with Excel's empty ,,, rows: every row counted", () => {
    const r = students(utf8("id,name,email\r\ns1,Ada,\n,,\rs2,Grace,\r\n,,\r\ns3,Linus,\n"));
    expect(r.students.map((s) => [s.id, s.line])).toEqual([["s1", 2], ["s2", 4], ["s3", 6]]);
    expect(r.summary).toMatchObject({ rows: 6, students: 3, skipped: { empty: 2, headers: 0, totals: 0 } });
  });

  it("a sep=; first line sets the separator, and rows are numbered as in the file", () => {
    const r = students(utf8("sep=;\nid;name\ns1;Ada, Countess\n"));
    expect(r.students.map((s) => [s.id, s.name, s.line])).toEqual([["s1", "Ada, Countess", 3]]);
  });

  it("a quoted cell spanning lines is one row, and the next row keeps its line number", () => {
    const r = students(utf8('id,name\ns1,"Ada\nLovelace"\ns2,Grace\n'));
    expect(r.students.map((s) => [s.id, s.name, s.line])).toEqual([["s1", "Ada\nLovelace", 2], ["s2", "Grace", 4]]);
  });
});

describe("rows that are not students", () => {
  it("repeated header rows (sheets pasted together) and a total row (合计) are skipped and counted", () => {
    const text = "学号,姓名\n2022110001,张三\n学号,姓名\n2022110002,李四\n,,\n合计,2\n";
    const r = students(utf8(text));
    expect(r.students.map((s) => s.id)).toEqual(["2022110001", "2022110002"]);
    expect(r.summary).toEqual({ encoding: "UTF-8", rows: 6, students: 2, skipped: { empty: 1, headers: 1, totals: 1 } });
  });
});

describe("problems name the file, the row and the column", () => {
  it("Excel's 2.02221E+11 ids", () => {
    expect(problems(utf8("学号,姓名\n2.02221E+11,张三\n2022110002,李四\n"))).toEqual([
      'rosters/ml.csv row 2, column 学号 (A): "2.02221E+11" is an id a spreadsheet turned into a number (digits and leading zeros are lost) — format the id column as Text, type or paste the ids again, and save the file again',
    ]);
  });

  it("a header with only 序号 has no id column", () => {
    expect(problems(utf8("序号,姓名\n1,张三\n"))).toEqual([
      'rosters/ml.csv row 1: no student id column (column 序号 (A) is a row serial, not a student id) — name one id, student_id or 学号, or set berth:lab.columns.id to the header of the column that holds the ids (the header row has "序号", "姓名")',
    ]);
  });

  it("berth:lab.columns names a header the file does not have", () => {
    expect(problems(utf8("Matrikel,Name\n123,Ada\n"), { columns: { id: "Matrikelnummer" } })).toEqual([
      'rosters/ml.csv row 1: berth:lab.columns.id is "Matrikelnummer", but the header row has no such column (it has "Matrikel", "Name")',
    ]);
    expect(students(utf8("Matrikel,Name\n123,Ada\n"), { columns: { id: "Matrikel" } }).students.map((s) => s.id)).toEqual(["123"]);
  });

  it("empty and header-only files", () => {
    expect(problems(utf8(""))).toEqual(["rosters/ml.csv: the file is empty — it needs a header row (id, name, email, sshPublicKey — or 学号, 姓名, 邮箱, 公钥) and one row per student"]);
    expect(problems(utf8("\uFEFF,,\r\n,,\r\n"))).toEqual(["rosters/ml.csv: the file is empty — it needs a header row (id, name, email, sshPublicKey — or 学号, 姓名, 邮箱, 公钥) and one row per student"]);
    expect(problems(utf8("id,name\n,,\n"))).toEqual(["rosters/ml.csv: no students — the file has only a header row (id, name) and rows that are not students"]);
  });

  it("duplicate ids and ids that become the same host name name both rows; a missing id names the row", () => {
    expect(problems(utf8("id,name\nS-001,Ada\ns-001,Grace\nS-001,Linus\n,Ken\n"))).toEqual([
      'rosters/ml.csv row 3, column id (A): ids "s-001" and "S-001" (row 2) both become the host name ml-s-001 — make them differ by more than case and punctuation',
      'rosters/ml.csv row 4, column id (A): id "S-001" is already on row 2 — each student once',
      'rosters/ml.csv row 5, column id (A): no student id (the row has "Ken") — fill it in, or delete the row',
    ]);
  });

  it("malformed public keys and emails", () => {
    expect(problems(utf8(`id,email,ssh_public_key\ns1,ada@uni.edu,ssh-ed25519 AAAA!\ns2,grace(at)uni.edu,${PUBKEY}\n`))).toEqual([
      "rosters/ml.csv row 2, column ssh_public_key (C): the key data after the type is not base64 — copy the whole line from the .pub file",
      'rosters/ml.csv row 3, column email (B): "grace(at)uni.edu" is not an email address',
    ]);
  });

  it("an unclosed quote names its row", () => {
    const [p] = problems(utf8('id,name\ns1,"Ada\ns2,Grace\n'));
    expect(p).toMatch(/^rosters\/ml\.csv row \d+: not a CSV file berth can read \(.+\) — save it from the spreadsheet as CSV \(UTF-8\)$/);
  });
});

describe("host names from ids", () => {
  it("ASCII ids keep their letters; others get a stable hash; long ones fit the provider's limit", () => {
    expect(slugOf("S001")).toBe("s001");
    expect(slugOf("张三")).toMatch(/^u-[0-9a-f]{6}$/);
    expect(slugOf("张三")).toBe(slugOf("张三"));
    expect(slugOf("张三")).not.toBe(slugOf("李四"));
    expect(slugOf("Zhang.San@uni.edu")).toMatch(/^zhang-san-uni-edu-[0-9a-f]{6}$/);
    const r = students(utf8(`id\n${"a".repeat(80)}\n${"a".repeat(79)}b\n`), { prefix: "course-2027", nameLimit: 52 });
    for (const s of r.students) expect(s.hostName.length).toBeLessThanOrEqual(52);
    expect(new Set(r.students.map((s) => s.hostName)).size).toBe(2);
  });

  it("a row's position does not change its host name", () => {
    const a = students(utf8("id\ns1\ns2\ns3\n")).students.map((s) => [s.id, s.hostName]);
    const b = students(utf8("id\ns3\n\ns1\ns2\n")).students.map((s) => [s.id, s.hostName]);
    expect(Object.fromEntries(b)).toEqual(Object.fromEntries(a));
  });
});
