/**
 * The language of berth's diagnoses: `--lang en|zh`, else the locale the way gettext reads it
 * (LC_ALL, then LC_MESSAGES, then LANG). Any `zh…` locale gives Chinese; everything else English.
 */
export const LANGS = ["en", "zh"] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(v: string): v is Lang {
  return (LANGS as readonly string[]).includes(v);
}

export function langFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): Lang {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== "") ?? "";
  return /^zh([_.@-]|$)/i.test(locale) ? "zh" : "en";
}

/** `--lang` when given (checked), else the locale. */
export function pickLang(flag: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): Lang {
  if (flag === undefined) return langFromEnv(env);
  if (!isLang(flag)) throw new Error(`--lang ${flag}: choose ${LANGS.join(" or ")}`);
  return flag;
}
