/** The catalogue as a Markdown table: the README's troubleshooting table is this, verbatim. */
import { CATALOG } from "./catalog.js";
import type { Lang } from "./lang.js";

const HEAD: Record<Lang, string> = {
  en: "| id | what happened | what you see | what to do |",
  zh: "| id | 发生了什么 | 现象 | 怎么办 |",
};

const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll("\n", " ");

/** Parameters show as `<name>`; optional `[[ … ]]` parts are left out. */
const plain = (s: string) => s.replace(/\[\[(.*?)\]\]/gs, "").replace(/\{(\w+)\}/g, "<$1>");

export function catalogTable(lang: Lang): string {
  const rows = CATALOG.map((e) => {
    const t = e.text[lang];
    const key = e.key ? ` (\`${e.key}\`)` : "";
    return `| \`${e.id}\` | ${cell(plain(t.title))} | ${cell(e.seen)} | ${cell(plain(t.fix))}${key} |`;
  });
  return [HEAD[lang], "|---|---|---|---|", ...rows].join("\n") + "\n";
}
