// engine.ts — the one place berth talks to the Docker engine (through dockerode).
//
//   import { engine, buildImage, imageExists } from "./engine.js";
//   await buildImage({ dir, files: ["Dockerfile"], tag: "berth-local/x:abc" });
//
// DOCKER_HOST is honoured (docker-modem reads it); the default is /var/run/docker.sock.
// Start an engine with scripts/docker-engine.sh when none answers.
import Docker from "dockerode";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";

export const KIT_LABEL = "berth.kit";
export const VM_LABEL = "berth.vm";
export const HASH_LABEL = "berth.hash";

let client: Docker | undefined;
export function engine(): Docker {
  client ??= new Docker();
  return client;
}

/** ~/.cache/berth/<parts…> */
export function cacheDir(...parts: string[]): string {
  return join(process.env.BERTH_CACHE_DIR ?? join(homedir(), ".cache", "berth"), ...parts);
}

/** Directory holding the Dockerfiles and assets shipped with src/local. */
export function imagesDir(...parts: string[]): string {
  return join(fileURLToPath(new URL("./images/", import.meta.url)), ...parts);
}

/** Short content hash of strings and files (order matters). */
export function contentHash(items: { text?: string; file?: string }[]): string {
  const h = createHash("sha256");
  for (const item of items) {
    h.update(item.file !== undefined ? readFileSync(item.file) : (item.text ?? ""));
    h.update("\0");
  }
  return h.digest("hex").slice(0, 16);
}

export async function imageExists(tag: string): Promise<boolean> {
  try {
    await engine().getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

interface ProgressEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** Wait for a build/pull/push/import progress stream; throw with the log tail on error. */
export async function followProgress(stream: NodeJS.ReadableStream, what: string): Promise<string[]> {
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    engine().modem.followProgress(
      stream,
      (err: Error | null, events: ProgressEvent[]) => {
        const failed = events?.find((e) => e.error !== undefined);
        if (err || failed) {
          const tail = lines.slice(-30).join("\n");
          reject(new Error(`${what} failed: ${err?.message ?? failed?.error}\n--- last output ---\n${tail}`));
        } else resolve();
      },
      (e: ProgressEvent) => {
        const text = e.stream ?? e.status;
        if (text) lines.push(...text.replace(/\n$/, "").split("\n"));
        if (process.env.BERTH_VERBOSE && text) process.stderr.write(text.endsWith("\n") ? text : text + "\n");
      },
    );
  });
  return lines;
}

export interface BuildSpec {
  dir: string;
  files: string[];
  tag: string;
  buildargs?: Record<string, string>;
  labels?: Record<string, string>;
}

/**
 * docker build with the listed files of `dir` as context (classic builder). The classic builder
 * keeps the last image of every build stage but the final one as an untagged ("dangling")
 * image — kit-mirror's build stage alone is ~600 MB — so those are removed after the build.
 * Returns the build's log lines.
 */
export async function buildImage(spec: BuildSpec): Promise<string[]> {
  const stream = await engine().buildImage(
    { context: spec.dir, src: spec.files },
    { t: spec.tag, buildargs: spec.buildargs, labels: spec.labels, rm: true, forcerm: true },
  );
  const lines = await followProgress(stream, `docker build ${spec.tag}`);
  if (!(await imageExists(spec.tag))) throw new Error(`docker build ${spec.tag} finished without an image`);
  for (const id of stageImages(lines)) await removeUntagged(id);
  return lines;
}

/** Ids of the images that ended each build stage before the last, from the classic builder's log. */
export function stageImages(lines: string[]): string[] {
  const ids: string[] = [];
  let last: string | undefined;
  let stages = 0;
  for (const line of lines) {
    if (/^Step \d+\/\d+ : FROM\s/i.test(line)) {
      if (stages > 0 && last) ids.push(last);
      stages++;
      last = undefined;
    }
    const m = /^ ---> ([0-9a-f]{12,64})$/.exec(line);
    if (m) last = m[1];
  }
  return ids;
}

/** Remove an image if nothing tags it; one still used (a parent, a container) is left alone. */
async function removeUntagged(id: string): Promise<void> {
  try {
    const info = await engine().getImage(id).inspect();
    if ((info.RepoTags ?? []).some((t) => t !== "<none>:<none>")) return;
    await engine().getImage(id).remove({ noprune: false });
  } catch {
    // gone already, or in use: not ours to force
  }
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run argv inside a running container (no shell unless you ask for one). */
export async function execIn(containerId: string, argv: string[], user = "root"): Promise<ExecResult> {
  const c = engine().getContainer(containerId);
  const ex = await c.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, User: user });
  const stream = await ex.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (arr: Buffer[]) =>
    new Writable({
      write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
        arr.push(chunk);
        cb();
      },
    });
  engine().modem.demuxStream(stream, sink(out), sink(err));
  await new Promise<void>((resolve, reject) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", reject);
  });
  let info = await ex.inspect();
  for (let i = 0; info.Running && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 50)); // the stream can end just before the exit code lands
    info = await ex.inspect();
  }
  return { code: info.ExitCode ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/** Remove a container by id, ignoring "already gone". */
export async function removeContainer(id: string): Promise<void> {
  try {
    await engine().getContainer(id).remove({ force: true, v: true });
  } catch (e) {
    if (!String(e).includes("404") && !String(e).includes("No such container")) throw e;
  }
}
