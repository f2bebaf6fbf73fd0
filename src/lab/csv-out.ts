/**
 * CSV that berth writes (the instructor's table): every cell quoted, and a cell a spreadsheet
 * would run as a formula (starting with =, +, -, @, or a tab or carriage return, as OWASP lists
 * them) gets a leading apostrophe, so opening the file never runs what a roster or a student
 * typed. UTF-8 with a BOM, so Excel reads Chinese names right; CRLF line ends, as Excel writes.
 */
const FORMULA = /^[=+\-@\t\r]/;

export function safeCell(v: unknown): string {
  const s = v === undefined || v === null ? "" : String(v);
  const neutral = FORMULA.test(s) ? `'${s}` : s;
  return `"${neutral.replace(/"/g, '""')}"`;
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(safeCell).join(",")).join("\r\n")}\r\n`;
}
