/** Exit codes of `berth ci`: stable, documented in the README, read by workflows. */
export const EXIT = {
  /** The command ran and succeeded (a preview with changes is a success), or was skipped with a notice. */
  ok: 0,
  /** The Pulumi command ran and failed (an error in the program, a cloud API, the deploy). */
  failed: 1,
  /** Bad input, found before anything ran: no backend, unknown stack, confirmation missing. */
  usage: 2,
  /** `--expect-no-changes` was given and there were changes. */
  changes: 3,
  /** The stack is locked by another update, or by one that was killed (see `berth ci unlock`). */
  locked: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
