/**
 * Errors of the deploy layer. Each is a problem the user can act on, and its message says what
 * happened, where, and what to do: the CLI prints `message` alone, never a stack. Every message
 * passes through redact(), so no secret berth knows can travel in one.
 */
import { redact } from "./sensitive.js";

/** A deploy-layer failure, on one host (`target`) or before any host (`target` empty). */
export class DeployError extends Error {
  override readonly name: string = "DeployError";
  /** The message without the `target: ` prefix. */
  readonly detail: string;

  constructor(
    readonly target: string,
    message: string,
  ) {
    const detail = redact(message);
    super(target ? `${target}: ${detail}` : detail);
    this.detail = detail;
  }
}

/** The server's host key is not the one pinned or remembered, or nothing could check it. */
export class HostKeyError extends DeployError {
  override readonly name: string = "HostKeyError";
}

/** No SSH session could be opened: the server is unreachable or refused the key. */
export class ConnectError extends DeployError {
  override readonly name: string = "ConnectError";
}

/** The SSH login itself failed: the key was refused or cannot be used. Trying again cannot help. */
export class SshAuthError extends DeployError {
  override readonly name: string = "SshAuthError";
}

/** A user input of the deploy commands (a --host, an --identity) that cannot be used. */
export class TargetError extends DeployError {
  override readonly name: string = "TargetError";
}

/** Another deploy holds the app's lock on the host, or this deploy lost it. */
export class LockError extends DeployError {
  override readonly name: string = "LockError";
}

/** A remote command exited non-zero where that is a failure. */
export class RemoteCommandError extends DeployError {
  override readonly name: string = "RemoteCommandError";
  constructor(
    target: string,
    readonly command: string,
    readonly code: number,
    readonly stderrTail: string,
  ) {
    super(target, `\`${command}\` exited ${code}${stderrTail ? `:\n${stderrTail}` : ""}`);
  }
}

/** Any error as a DeployError of `target`, its message redacted. */
export function asDeployError(target: string, e: unknown): DeployError {
  if (e instanceof DeployError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new DeployError(target, message.startsWith(`${target}: `) ? message.slice(target.length + 2) : message);
}
