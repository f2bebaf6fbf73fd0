/**
 * An S3-compatible server for Pulumi state: moto's server mode (moto[server] from PyPI, in
 * scripts/ci-tools.sh's venv), addressed the way the README tells Tencent COS and Aliyun OSS users
 * to address theirs — virtual-hosted style, `BUCKET.s3.NAME:PORT`, no s3ForcePathStyle.
 * `MOTO_S3_CUSTOM_ENDPOINTS` makes moto read the bucket from the Host header; the two names are
 * mapped to 127.0.0.1 by lines appended to /etc/hosts, each tagged with this process's id, and
 * exactly those lines are removed again on stop (whatever else changed /etc/hosts meanwhile).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { ciTool } from "./lint.js";

const HOSTS = "/etc/hosts";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export class S3StandIn {
  readonly accessKey = "berth-ci-access-key";
  readonly secretKey = `berth-ci-secret-${process.pid}-${Date.now().toString(36)}`;
  #proc: ChildProcess | undefined;
  #tag: string;
  port = 0;

  constructor(readonly bucket: string, readonly domain = "s3.berth-ci.test") {
    this.#tag = `# berth-ci-test ${process.pid} ${bucket}`;
  }

  /** The backend URL, in the form the README gives for COS and OSS. */
  get backendUrl(): string {
    return `s3://${this.bucket}?endpoint=http://${this.domain}:${this.port}&region=us-east-1`;
  }

  get bucketUrl(): string {
    return `http://${this.bucket}.${this.domain}:${this.port}`;
  }

  /** AWS_* variables Pulumi's S3 client reads. */
  get env(): Record<string, string> {
    return { AWS_ACCESS_KEY_ID: this.accessKey, AWS_SECRET_ACCESS_KEY: this.secretKey, AWS_REGION: "us-east-1" };
  }

  async start(): Promise<this> {
    this.port = await freePort();
    const hosts = readFileSync(HOSTS, "utf8");
    writeFileSync(HOSTS, `${hosts.endsWith("\n") || hosts === "" ? hosts : `${hosts}\n`}127.0.0.1 ${this.domain} ${this.bucket}.${this.domain} ${this.#tag}\n`);
    this.#proc = spawn(ciTool("moto_server"), ["-H", "127.0.0.1", "-p", String(this.port)], {
      env: { ...process.env, MOTO_S3_CUSTOM_ENDPOINTS: `http://${this.domain}:${this.port}` },
      stdio: "ignore",
    });
    for (let i = 0; ; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/`);
        await res.arrayBuffer();
        break;
      } catch (e) {
        if (i > 100) throw new Error(`moto_server did not answer on port ${this.port}: ${String(e)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const made = await fetch(`${this.bucketUrl}/`, { method: "PUT" });
    if (!made.ok) throw new Error(`creating bucket ${this.bucket}: ${made.status} ${await made.text()}`);
    return this;
  }

  /**
   * Headers of a request by the bucket's owner. moto (by default) wants an object read to be
   * authenticated but does not check the signature, so the tests' own reads carry the header alone.
   */
  get #owner(): Record<string, string> {
    return { authorization: `AWS4-HMAC-SHA256 Credential=${this.accessKey}/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0` };
  }

  /** Keys under a prefix (virtual-hosted ListObjectsV2). */
  async keys(prefix = ""): Promise<string[]> {
    const res = await fetch(`${this.bucketUrl}/?list-type=2&prefix=${encodeURIComponent(prefix)}`, { headers: this.#owner });
    const xml = await res.text();
    return [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1] as string);
  }

  /** Every object's text, concatenated (to look for secrets in the state). */
  async allText(): Promise<string> {
    const out: string[] = [];
    for (const k of await this.keys()) {
      const res = await fetch(`${this.bucketUrl}/${k.split("/").map(encodeURIComponent).join("/")}`, { headers: this.#owner });
      if (!res.ok) throw new Error(`GET ${k}: ${res.status}`);
      out.push(await res.text());
    }
    return out.join("\n");
  }

  async stop(): Promise<void> {
    const p = this.#proc;
    if (p && p.exitCode === null) {
      const done = new Promise((r) => p.once("exit", r));
      p.kill("SIGTERM");
      await done;
    }
    const lines = readFileSync(HOSTS, "utf8").split("\n");
    const kept = lines.filter((l) => !l.endsWith(this.#tag));
    if (kept.length !== lines.length) writeFileSync(HOSTS, kept.join("\n"));
  }
}
