/** A deploy that failed on one host, with what happened there. */
export class DeployError extends Error {
  override readonly name = "DeployError";
  constructor(
    readonly target: string,
    message: string,
  ) {
    super(`${target}: ${message}`);
  }
}
