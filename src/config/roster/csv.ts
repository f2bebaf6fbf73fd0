/**
 * Roster text → rows of cells, each with the line it starts on in the file (as a spreadsheet or
 * an editor numbers them). Handles what spreadsheets write: an Excel `sep=;` first line, `,` `;`
 * or tab separators (guessed from the first line when not stated), CRLF, LF and old Mac CR-only
 * line endings, mixed. csv-parse does the parsing; its record count is checked against an
 * independent count of the records in the text, so no row is ever dropped silently.
 */
import { parse } from "csv-parse/sync";

export interface CsvRow {
  /** 1-based line of the file where the row starts. */
  readonly line: number;
  readonly cells: readonly string[];
}

export interface CsvTable {
  readonly rows: readonly CsvRow[];
  readonly delimiter: string;
}

export class CsvProblem extends Error {
  constructor(message: string, readonly line?: number) {
    super(message);
  }
}

const SEP_LINE = /^"?sep=(.)"?[ \t]*(\r\n|\n|\r|$)/i;

/** The separator most used in the first line (outside quotes); `,` on a tie or none. */
export function guessDelimiter(firstLine: string): string {
  const counts: Record<string, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch] = (counts[ch] ?? 0) + 1;
  }
  const best = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  return best && best[1] > 0 && best[1] > (counts[","] ?? 0) ? best[0] : ",";
}

/** Records in the text by an independent scan: line breaks outside quotes, the last line counted even without one. */
export function countRecords(text: string): number {
  let n = 0;
  let quoted = false;
  let pending = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === "\n" || ch === "\r")) {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      n++;
      pending = false;
    } else pending = true;
  }
  return n + (pending ? 1 : 0);
}

export function readCsv(text: string): CsvTable {
  let body = text;
  let offset = 0;
  let delimiter: string | undefined;
  const sep = SEP_LINE.exec(body);
  if (sep) {
    delimiter = sep[1];
    body = body.slice(sep[0].length);
    offset = 1;
  }
  delimiter ??= guessDelimiter(body.split(/\r\n|\n|\r/, 1)[0] ?? "");
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(body, { delimiter, relax_column_count: true, record_delimiter: ["\r\n", "\n", "\r"], info: true, skip_empty_lines: false }) as unknown as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new CsvProblem(`not a CSV file berth can read (${err.message.replace(/^Invalid [^:]*: /, "")}) — save it from the spreadsheet as CSV (UTF-8)`, err.lines === undefined ? undefined : err.lines + offset);
  }
  const rows: CsvRow[] = [];
  let next = 1;
  for (const r of records) {
    rows.push({ line: next + offset, cells: r.record.map((c) => c.trim()) });
    next = r.info.lines + 1;
  }
  const expected = countRecords(body);
  if (rows.length !== expected) {
    throw new CsvProblem(`read ${rows.length} rows but the file has ${expected} — the line endings or quotes are mixed in a way berth cannot read reliably; open it in a spreadsheet and save it again as CSV (UTF-8)`);
  }
  return { rows, delimiter };
}
