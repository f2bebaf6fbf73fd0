/**
 * The Executor over ssh2: connect with timeout, retries and backoff, keepalive, exec with
 * stdin, SFTP upload with a mode. Host keys are pinned to a given fingerprint, or trusted on
 * first use and refused when they change afterwards; a first-seen key is recorded only once the
 * server has proved it holds it (the connection is ready), and an executor with neither a pin
 * nor a store refuses to exist.
 */
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { Client, type ClientChannel, type SFTPWrapper } from "ssh2";
import { shellJoin } from "../util/shell.js";
import { ConnectError, HostKeyError, SshAuthError } from "./errors.js";
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
  /** Where the pin was written, for messages (`berth:host.hostKeyFingerprint in stacks/…`, `--fingerprint`). */
  readonly hostKeyFingerprintSource?: string;
  readonly knownHosts?: KnownHosts;
  /** What the private key is, for messages (`the key ~/.ssh/id_ed25519`, `berth:sshPrivateKey`). */
  readonly privateKeySource?: string;
  readonly connectTimeoutMs?: number;
  readonly retries?: number;
}

export { HostKeyError };

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
    if (!t.hostKeyFingerprint && !t.knownHosts) throw new HostKeyError(`${t.host}:${t.port}`, "no host key fingerprint to pin and no known_hosts file to check it against — berth never accepts an unchecked host key");
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
        if (e instanceof HostKeyError || e instanceof SshAuthError) throw e;
        last = e;
        if (i < attempts - 1) await sleep(Math.min(500 * 2 ** i, 8000));
      }
    }
    throw new ConnectError(this.target, `cannot connect over SSH after ${attempts} attempts: ${(last as Error).message} — ${this.#hint(last as NodeJS.ErrnoException)}`);
  }

  #hint(e: NodeJS.ErrnoException): string {
    const { host, port } = this.t;
    if (e.code === "ECONNREFUSED") return `nothing accepts connections on port ${port} of ${host}: is the server up, and is ${port} its SSH port?`;
    if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN") return `the name ${host} does not resolve: check the address`;
    return `check the address and port, that the server is up, and that no firewall (berth:host.allowSsh, your network) blocks port ${port}`;
  }

  /** Problems with the key or the login: trying again cannot help. */
  #loginProblem(e: Error & { level?: string }): SshAuthError | undefined {
    const key = this.t.privateKeySource ?? "the SSH private key";
    const user = this.t.username;
    if (e.level === "client-authentication") return new SshAuthError(this.target, `the server refused ${key} for user ${user} — check the user (user@address) and that the matching public key is in ~${user}/.ssh/authorized_keys there`);
    if (/passphrase/i.test(e.message)) return new SshAuthError(this.target, `${key} is protected by a passphrase, which berth cannot ask for — use a deploy key without one (ssh-keygen -t ed25519 -N "" -f ~/.ssh/berth_deploy) and add its .pub to the server`);
    if (/Cannot parse privateKey|Unsupported key format/i.test(e.message)) return new SshAuthError(this.target, `${key} is not an SSH private key ssh2 can read (${e.message}) — give an OpenSSH or PEM private key`);
    return undefined;
  }

  #connectOnce(): Promise<Client> {
    return new Promise((resolve, reject) => {
      const c = new Client();
      let keyProblem: HostKeyError | undefined;
      let firstSeen: string | undefined;
      c.once("ready", () => {
        // The server has now proved it holds the key (its signature over the exchange checked out).
        if (firstSeen) this.t.knownHosts?.remember(this.#where, firstSeen);
        resolve(c);
      });
      c.once("error", (e) => reject(keyProblem ?? this.#loginProblem(e) ?? e));
      // Forget a client as soon as it is going away, so no command is sent to a dead link.
      const forget = () => {
        if (this.#client === c) this.#client = undefined;
      };
      c.on("error", forget);
      c.once("end", forget);
      c.once("close", forget);
      const key = this.t.privateKey;
      try {
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
            const verdict = this.#checkHostKey(fp);
            keyProblem = verdict.problem;
            firstSeen = verdict.firstSeen ? fp : undefined;
            return keyProblem === undefined;
          },
        });
      } catch (e) {
        // ssh2 throws here for a key it cannot parse.
        reject(this.#loginProblem(e as Error) ?? e);
      }
    });
  }

  get #where(): string {
    return `${this.t.host}:${this.t.port}`;
  }

  #checkHostKey(fp: string): { problem?: HostKeyError; firstSeen?: boolean } {
    const where = this.#where;
    const pin = this.t.hostKeyFingerprint;
    if (pin) {
      return fp === pin ? {} : { problem: new HostKeyError(where, `host key is ${fp}, but ${this.t.hostKeyFingerprintSource ?? "the configured fingerprint"} is ${pin} — refusing to connect (if the server was rebuilt, update the fingerprint)`) };
    }
    const known = this.t.knownHosts?.get(where);
    if (known === undefined) return { firstSeen: true };
    return known === fp ? {} : { problem: new HostKeyError(where, `host key changed from ${known} to ${fp} — refusing to connect; if the server was rebuilt, remove its line from ${this.t.knownHosts?.path}`) };
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
