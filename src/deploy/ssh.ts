/**
 * The Executor over ssh2: connect with timeout, retries and backoff, keepalive, exec with
 * stdin, SFTP upload with a mode. Host keys are pinned to a given fingerprint, or trusted on
 * first use and refused when they change afterwards.
 */
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { Client, type ClientChannel, type SFTPWrapper } from "ssh2";
import { shellJoin } from "../util/shell.js";
import type { ExecOptions, ExecResult, Executor } from "./executor.js";
import type { KnownHosts } from "./known-hosts.js";
import { Sensitive } from "./sensitive.js";

export interface SshTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKey: Buffer | Sensitive;
  /** Pin: `SHA256:…` as `ssh-keygen -lf` prints it. Without it, trust on first use. */
  readonly hostKeyFingerprint?: string;
  readonly knownHosts?: KnownHosts;
  readonly connectTimeoutMs?: number;
  readonly retries?: number;
}

export class HostKeyError extends Error {
  override readonly name = "HostKeyError";
}

/** `SHA256:<base64 without padding>` of a raw host key, as OpenSSH prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SshExecutor implements Executor {
  readonly target: string;
  #client: Client | undefined;
  #connecting: Promise<Client> | undefined;
  #seenKey: string | undefined;

  constructor(private readonly t: SshTarget) {
    this.target = `${t.username}@${t.host}:${t.port}`;
  }

  /** The host key fingerprint seen on the last connection. */
  get hostKey(): string | undefined {
    return this.#seenKey;
  }

  /** One connection at a time: concurrent callers share the attempt in flight. */
  connect(): Promise<Client> {
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= this.#connectWithRetries().finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  async #connectWithRetries(): Promise<Client> {
    const attempts = (this.t.retries ?? 5) + 1;
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      try {
        this.#client = await this.#connectOnce();
        return this.#client;
      } catch (e) {
        if (e instanceof HostKeyError) throw e;
        last = e;
        if (i < attempts - 1) await sleep(Math.min(500 * 2 ** i, 8000));
      }
    }
    throw new Error(`${this.target}: cannot connect over SSH after ${attempts} attempts: ${(last as Error).message}`);
  }

  #connectOnce(): Promise<Client> {
    return new Promise((resolve, reject) => {
      const c = new Client();
      let keyProblem: HostKeyError | undefined;
      c.once("ready", () => resolve(c));
      c.once("error", (e) => reject(keyProblem ?? e));
      // Forget a client as soon as it is going away, so no command is sent to a dead link.
      const forget = () => {
        if (this.#client === c) this.#client = undefined;
      };
      c.on("error", forget);
      c.once("end", forget);
      c.once("close", forget);
      const key = this.t.privateKey;
      c.connect({
        host: this.t.host,
        port: this.t.port,
        username: this.t.username,
        privateKey: key instanceof Sensitive ? key.reveal() : key,
        readyTimeout: this.t.connectTimeoutMs ?? 15_000,
        keepaliveInterval: 10_000,
        keepaliveCountMax: 3,
        hostVerifier: (raw: Buffer) => {
          const fp = fingerprint(raw);
          this.#seenKey = fp;
          keyProblem = this.#checkHostKey(fp);
          return keyProblem === undefined;
        },
      });
    });
  }

  #checkHostKey(fp: string): HostKeyError | undefined {
    const where = `${this.t.host}:${this.t.port}`;
    if (this.t.hostKeyFingerprint) {
      return fp === this.t.hostKeyFingerprint ? undefined : new HostKeyError(`${where}: host key is ${fp}, but the configured fingerprint is ${this.t.hostKeyFingerprint} — refusing to connect (if the server was rebuilt, update the fingerprint)`);
    }
    const known = this.t.knownHosts?.get(where);
    if (known === undefined) {
      this.t.knownHosts?.remember(where, fp);
      return undefined;
    }
    return known === fp ? undefined : new HostKeyError(`${where}: host key changed from ${known} to ${fp} — refusing to connect; if the server was rebuilt, remove its line from ${this.t.knownHosts?.path}`);
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const c = await this.connect();
    const lost = () => new Error(`${this.target}: connection lost while running \`${argv[0]} ${argv[1] ?? ""}\``);
    return new Promise<ExecResult>((resolve, reject) => {
      // A link that dies before the channel opens never calls back: settle on the client's close.
      c.once("close", onClose);
      function onClose(): void {
        reject(lost());
      }
      const done = <T>(fn: (v: T) => void) => (v: T) => (c.removeListener("close", onClose), fn(v));
      resolve = done(resolve);
      reject = done(reject);
      // Listeners go on inside the callback: ssh2 may parse the channel's output, exit status
      // and close from the same packet right after it, before any awaited continuation runs.
      c.exec(shellJoin(argv), (err, stream: ClientChannel) => {
        if (err) return reject(/Unable to exec|Not connected/.test(err.message) ? lost() : err);
        const out: Buffer[] = [];
        const errs: Buffer[] = [];
        let code: number | undefined;
        stream.on("data", (d: Buffer) => {
          out.push(d);
          opts.onStdout?.(d);
        });
        stream.stderr.on("data", (d: Buffer) => errs.push(d));
        stream.on("exit", (status: number | null) => (code = status ?? undefined));
        stream.on("close", () => {
          if (code === undefined) reject(lost());
          else resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(errs).toString("utf8") });
        });
        const input = opts.stdin;
        if (input instanceof Readable) input.pipe(stream);
        else stream.end(input instanceof Sensitive ? input.reveal() : input);
      });
    });
  }

  async upload(path: string, content: string | Buffer | Sensitive, mode: number): Promise<void> {
    const c = await this.connect();
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) => c.sftp((e, s) => (e ? reject(e) : resolve(s))));
    const tmp = `${path}.berth-${randomBytes(4).toString("hex")}`;
    const data = content instanceof Sensitive ? content.reveal() : content;
    try {
      await new Promise<void>((resolve, reject) => sftp.writeFile(tmp, data, { mode }, (e) => (e ? reject(e) : resolve())));
      await new Promise<void>((resolve, reject) => sftp.chmod(tmp, mode, (e) => (e ? reject(e) : resolve())));
      await new Promise<void>((resolve, reject) => sftp.ext_openssh_rename(tmp, path, (e) => (e ? reject(e) : resolve())));
    } finally {
      sftp.end();
    }
  }

  async close(): Promise<void> {
    const c = this.#client;
    this.#client = undefined;
    if (c) await new Promise<void>((r) => (c.once("close", () => r()), c.end()));
  }

  /** Drop the connection abruptly (tests: a cut connection). */
  destroy(): void {
    const c = this.#client;
    this.#client = undefined;
    c?.destroy();
  }
}
