/**
 * A student's handout (Markdown and a printable HTML page, English and Chinese) and the
 * instructor's table, from the lab stack's outputs. Pure: the same outputs give the same bytes, so
 * writing the handouts again changes nothing. A handout holds only its own student's details;
 * the private key goes next to it as a file, never into the text.
 */
import type { StudentHost } from "../components/lab.js";
import { toCsv } from "./csv-out.js";
import { TEXTS, type Lang } from "./handout-texts.js";

export interface HandoutInput {
  readonly course: string;
  readonly student: StudentHost;
  /** Whether berth made the student's key (then `id_ed25519` lies next to the handout). */
  readonly hasKeyFile: boolean;
  readonly expires: string;
  /** The conda environment to activate; null when the lab has no conda. */
  readonly condaEnv: string | null;
}

export const KEY_FILE = "id_ed25519";

export function sshCommand(s: StudentHost, hasKeyFile: boolean): string {
  return `ssh ${hasKeyFile ? `-i ${KEY_FILE} ` : ""}-p ${s.port} ${s.user}@${s.host}`;
}

interface Step {
  readonly text: string;
  readonly code?: string;
}

function steps(i: HandoutInput, lang: Lang): Step[] {
  const t = TEXTS[lang];
  const s = i.student;
  const out: Step[] = [];
  if (i.hasKeyFile) out.push({ text: t.stepKey, code: `chmod 600 ${KEY_FILE}` }, { text: t.stepKeyWindows });
  out.push({ text: t.stepSsh, code: sshCommand(s, i.hasKeyFile) });
  if (s.hostKeyFingerprint) out.push({ text: t.stepFingerprint(s.hostKeyFingerprint) });
  out.push({ text: t.stepDocker, code: "docker ps" });
  if (i.condaEnv !== null) out.push({ text: t.stepConda, code: `conda activate ${i.condaEnv}` });
  return out;
}

function facts(i: HandoutInput, lang: Lang): [string, string][] {
  const t = TEXTS[lang];
  const s = i.student;
  return [
    [t.address, s.host],
    [t.user, s.user],
    [t.port, String(s.port)],
    [t.fingerprint, s.hostKeyFingerprint || t.none],
    [t.app, s.appUrl || t.none],
    [t.expires, i.expires],
  ];
}

const displayName = (s: StudentHost) => s.name || s.id;

export function handoutMarkdown(i: HandoutInput, lang: Lang): string {
  const t = TEXTS[lang];
  const lines = [`# ${t.title(i.course)}`, "", t.hello(displayName(i.student)), "", t.yourServer, ""];
  lines.push("| | |", "|---|---|", ...facts(i, lang).map(([k, v]) => `| ${k} | \`${v.replace(/\|/g, "\\|")}\` |`), "");
  lines.push(i.hasKeyFile ? t.keyFile : t.ownKey, "", `## ${t.firstSteps}`, "");
  steps(i, lang).forEach((s, n) => {
    lines.push(`${n + 1}. ${s.text}`);
    if (s.code) lines.push("", "   ```sh", `   ${s.code}`, "   ```", "");
  });
  lines.push("", `${t.keepSecret} ${t.endNote}`, "");
  return lines.join("\n").replace(/\n{3,}/g, "\n\n");
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
/** Markdown's `code` spans in the texts, as <code>. */
const inline = (s: string) => esc(s).replace(/`([^`]+)`/g, "<code>$1</code>");

export function handoutHtml(i: HandoutInput, lang: Lang): string {
  const t = TEXTS[lang];
  const rows = facts(i, lang).map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`).join("\n");
  const items = steps(i, lang).map((s) => `<li>${inline(s.text)}${s.code ? `<pre>${esc(s.code)}</pre>` : ""}</li>`).join("\n");
  return `<!doctype html>
<html lang="${lang === "zh" ? "zh-CN" : "en"}">
<head>
<meta charset="utf-8">
<title>${esc(t.title(i.course))} — ${esc(i.student.id)}</title>
<style>
body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; max-width: 46em; margin: 2em auto; line-height: 1.5; color: #111; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #999; padding: .3em .6em; text-align: left; vertical-align: top; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; }
pre { background: #f3f3f3; padding: .5em; white-space: pre-wrap; word-break: break-all; }
@media print { body { margin: 0; } pre { background: none; border: 1px solid #999; } }
</style>
</head>
<body>
<h1>${esc(t.title(i.course))}</h1>
<p>${esc(t.hello(displayName(i.student)))}</p>
<p>${esc(t.yourServer)}</p>
<table>
${rows}
</table>
<p>${inline(i.hasKeyFile ? t.keyFile : t.ownKey)}</p>
<h2>${esc(t.firstSteps)}</h2>
<ol>
${items}
</ol>
<p><strong>${esc(t.keepSecret)}</strong> ${esc(t.endNote)}</p>
</body>
</html>
`;
}

export const TABLE_HEADER = ["id", "name", "email", "host", "user", "port", "ssh", "hostKeyFingerprint", "appUrl", "key", "handout"] as const;

function tableRows(students: readonly StudentHost[], hasKey: (id: string) => boolean): string[][] {
  return students.map((s) => [s.id, s.name, s.email, s.host, s.user, String(s.port), sshCommand(s, hasKey(s.id)), s.hostKeyFingerprint, s.appUrl, hasKey(s.id) ? "berth" : "roster", `students/${s.hostName}/`]);
}

export function instructorCsv(students: readonly StudentHost[], hasKey: (id: string) => boolean): string {
  return toCsv(TABLE_HEADER, tableRows(students, hasKey));
}

export function instructorMarkdown(course: string, expires: string, students: readonly StudentHost[], hasKey: (id: string) => boolean): string {
  const cell = (v: string) => (v === "" ? "—" : v.replace(/\|/g, "\\|").replace(/\n/g, " "));
  const lines = [`# ${course}: ${students.length} student${students.length === 1 ? "" : "s"}`, "", `Expires ${expires}.`, "", `| ${TABLE_HEADER.join(" | ")} |`, `|${TABLE_HEADER.map(() => "---").join("|")}|`];
  for (const r of tableRows(students, hasKey)) lines.push(`| ${r.map(cell).join(" | ")} |`);
  return `${lines.join("\n")}\n`;
}
