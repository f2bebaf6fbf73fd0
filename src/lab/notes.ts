/**
 * What preview says about a lab: how the roster was read, when the lab ends, what it costs, the
 * changes that destroy a student's work — a host is replaced when its student's key changes, and
 * deleted when the student leaves the roster — and the hosts that keep an older bootstrap.
 */
import type { StackConfig } from "../config/load.js";
import type { LabConfig, Student } from "../config/lab.js";
import { keyBody } from "../components/lab-bootstrap.js";

/** The lab's outputs from its last update, as far as preview needs them. */
export interface Previous {
  readonly lab?: { readonly startedAt?: string };
  readonly students?: Readonly<Record<string, PreviousStudent>>;
  /** The lab's own cache, as the last `up` left it (berth:cache). */
  readonly cacheUrl?: string;
}

export interface PreviousStudent {
  readonly publicKey?: string;
  readonly hostName?: string;
  readonly keySource?: string;
  readonly bootstrap?: string;
}

const body = keyBody;

/** Whether the student's key differs from the one their host was made with (the host is then replaced). */
export function keyChanged(old: PreviousStudent, st: Student): boolean {
  return old.keySource === "berth" ? st.sshPublicKey !== undefined : body(old.publicKey) !== body(st.sshPublicKey);
}

/** Students whose host runs an older bootstrap than `current` and keeps it (their key is unchanged), by host name. */
export function olderBootstrap(lab: LabConfig, previous: Previous, current: string): Student[] {
  const byName = [...lab.students].sort((a, b) => a.hostName.localeCompare(b.hostName));
  return byName.filter((st) => {
    const old = previous.students?.[st.id];
    return old?.bootstrap !== undefined && old.bootstrap !== "unknown" && old.bootstrap !== current && !keyChanged(old, st);
  });
}

/** What preview says about hosts on an older bootstrap, with the command that rebuilds the first. */
export function olderBootstrapNote(lab: LabConfig, older: readonly Student[], firstUrn: string): string {
  const names = older.slice(0, 5).map((s) => s.hostName).join(", ") + (older.length > 5 ? ` and ${older.length - 5} more` : "");
  return `lab ${lab.namePrefix}: ${older.length} of ${lab.students.length} hosts (${names}) keep the bootstrap they were made with, older than the one berth renders now (a berth upgrade or a berth:bootstrap change): pulumi up leaves their user-data alone so their students keep their work, and only new students' hosts get the new one. ` +
    `To rebuild a host with it — everything on it is lost — replace it by its URN (pulumi stack --show-urns lists them): pulumi up --replace '${firstUrn}'`;
}

export function labNotes(cfg: StackConfig & { lab: LabConfig }, previous: Previous, at: { expires: string; hours: number; estimate: string | undefined; quota?: string | undefined }): { info: string[]; warn: string[] } {
  const lab = cfg.lab;
  const s = lab.summary;
  const skipped = [
    s.skipped.headers ? `${s.skipped.headers} repeated header row${s.skipped.headers === 1 ? "" : "s"}` : "",
    s.skipped.totals ? `${s.skipped.totals} total row${s.skipped.totals === 1 ? "" : "s"}` : "",
    s.skipped.empty ? `${s.skipped.empty} empty row${s.skipped.empty === 1 ? "" : "s"}` : "",
  ].filter(Boolean);
  const info = [
    `lab ${lab.namePrefix}: ${s.students} student${s.students === 1 ? "" : "s"} from ${lab.roster} (${s.encoding}, ${s.rows} rows: 1 header${skipped.length ? `, ${skipped.join(", ")} skipped` : ""})`,
    `lab ${lab.namePrefix} expires ${at.expires}, in ${at.hours} h${lab.expiry.kind === "after" ? ` (${lab.expiry.written} from its first creation)` : ""}; after that \`npx berth lab reap\` destroys it`,
    at.estimate ? `lab ${lab.namePrefix} costs about ${at.estimate}${lab.budget ? `; budget ${lab.budget.amount} ${lab.budget.currency}` : ""}` : `lab ${lab.namePrefix}: berth has no price for this host size, so no cost estimate`,
    ...(at.quota ? [`lab ${lab.namePrefix}: ${at.quota}`] : []),
  ];
  const warn: string[] = [];
  const before = previous.students ?? {};
  for (const st of lab.students) {
    const old = before[st.id];
    if (!old || old.keySource !== "roster") continue;
    if (keyChanged(old, st))
      warn.push(`lab ${lab.namePrefix}: ${st.id}'s public key in ${lab.roster} (row ${st.line}) changed — pulumi up replaces host ${st.hostName}, and everything on it (files, containers, conda environments) is lost. Have the student copy their work off first, or put the old key back in the roster.`);
  }
  for (const [id, old] of Object.entries(before)) {
    if (!lab.students.some((st) => st.id === id))
      warn.push(`lab ${lab.namePrefix}: ${id} is no longer in ${lab.roster} — pulumi up destroys host ${old.hostName ?? id} and everything on it.`);
  }
  for (const st of lab.students) {
    const old = before[st.id];
    if (old && old.keySource === "berth" && st.sshPublicKey)
      warn.push(`lab ${lab.namePrefix}: ${st.id} now has a key in ${lab.roster} (row ${st.line}) instead of the one berth made — pulumi up replaces host ${st.hostName}, and everything on it is lost.`);
  }
  return { info, warn };
}
