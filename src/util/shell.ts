/** Quoting for POSIX shells: the one place argv becomes a command line. */

/** A shell word that means exactly `s` (bash, dash and sh alike). */
export function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** argv → one command line for a remote shell; every word quoted. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shQuote).join(" ");
}
