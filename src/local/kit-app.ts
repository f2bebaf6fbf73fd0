// kit-app.ts — the lab kit's sample app images, pushed to the kit registry.
//
//   await pushAppImages({ registryHost: "127.0.0.1:15000", user, password });
//   // -> berth/app:v1, berth/app:v2, berth/app:broken in the registry
//
// One static Go binary (built on the host with CGO_ENABLED=0, Go required) in a
// FROM-scratch image; the tag decides APP_VERSION, `broken` answers 500 on every request.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildImage, cacheDir, contentHash, engine, followProgress, imageExists, imagesDir } from "./engine.js";

export const APP_TAGS = ["v1", "v2", "broken"] as const;
export type AppTag = (typeof APP_TAGS)[number];

function goBinary(): string {
  try {
    execFileSync("go", ["version"], { stdio: "ignore" });
    return "go";
  } catch {
    throw new Error("the lab kit's sample app is built with Go on the host: install Go (https://go.dev/dl) and retry");
  }
}

/** Build the binary and the three images locally; returns local tags by app tag. */
async function buildAppImages(): Promise<Record<AppTag, string>> {
  const src = imagesDir("kit-app");
  const hash = contentHash(["main.go", "go.mod", "Dockerfile"].map((f) => ({ file: join(src, f) })));
  const local = Object.fromEntries(APP_TAGS.map((t) => [t, `berth-local/app:${t}-${hash}`])) as Record<AppTag, string>;
  const missing: AppTag[] = [];
  for (const t of APP_TAGS) if (!(await imageExists(local[t]))) missing.push(t);
  if (missing.length === 0) return local;

  const ctx = cacheDir("kit", `app-${hash}`);
  mkdirSync(ctx, { recursive: true });
  for (const f of ["main.go", "go.mod", "Dockerfile"]) copyFileSync(join(src, f), join(ctx, f));
  if (!existsSync(join(ctx, "app"))) {
    execFileSync(goBinary(), ["build", "-trimpath", "-ldflags=-s -w", "-o", "app", "."], {
      cwd: ctx,
      env: { ...process.env, CGO_ENABLED: "0", GOOS: "linux", GOARCH: "amd64", GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" },
      stdio: ["ignore", "ignore", "pipe"],
    });
  }
  for (const t of missing) {
    const buildargs = { VERSION: t, MODE: t === "broken" ? "broken" : "ok" };
    await buildImage({ dir: ctx, files: ["Dockerfile", "app"], tag: local[t], buildargs, labels: { "berth.image": "app" } });
  }
  return local;
}

/** Registry's manifest digest for repo:tag, or undefined. */
async function remoteDigest(registryHost: string, ref: string, auth: string): Promise<string | undefined> {
  const [repo, tag] = ref.split(":") as [string, string];
  const res = await fetch(`http://${registryHost}/v2/${repo}/manifests/${tag}`, {
    method: "HEAD",
    headers: { Authorization: `Basic ${auth}`, Accept: "application/vnd.docker.distribution.manifest.v2+json" },
  });
  return res.ok ? (res.headers.get("docker-content-digest") ?? undefined) : undefined;
}

export interface PushTarget {
  registryHost: string;
  user: string;
  password: string;
}

/** Ensure berth/app:{v1,v2,broken} are in the registry; skips tags already there. */
export async function pushAppImages(target: PushTarget): Promise<void> {
  const local = await buildAppImages();
  const basic = Buffer.from(`${target.user}:${target.password}`).toString("base64");
  const authconfig = { username: target.user, password: target.password, serveraddress: target.registryHost };
  for (const t of APP_TAGS) {
    const remote = `${target.registryHost}/berth/app:${t}`;
    const info = await engine().getImage(local[t]).inspect();
    const digest = await remoteDigest(target.registryHost, `berth/app:${t}`, basic);
    if (digest && info.RepoDigests?.includes(`${target.registryHost}/berth/app@${digest}`)) continue;
    await engine().getImage(local[t]).tag({ repo: `${target.registryHost}/berth/app`, tag: t });
    const stream = await engine().getImage(remote).push({ authconfig });
    await followProgress(stream, `docker push ${remote}`);
  }
}
