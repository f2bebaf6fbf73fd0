/**
 * A user's repository, as the README's "From GitHub Actions" sets one up: a copy of berth (its
 * action, program and scripts) with the user's stack in stacks/, the example workflows in
 * .github/workflows/, the stack created once on the S3 backend with `pulumi stack init` and its
 * secrets set with `pulumi config set --secret`, and the stack file (with its encryption salt)
 * committed. node_modules is linked from this checkout, as an installed one.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { PROJECT_DIR } from "../helpers/config.js";
import { withoutSecrets } from "../engine/pulumi.js";

const COPIED = ["Pulumi.yaml", "package.json", "package-lock.json", "tsconfig.json", "action.yml", "src", "scripts", "bin"];

export class UserRepo {
  readonly root: string;
  readonly dir: string;

  constructor(readonly stack: string, readonly remote = "berth-ci/infra") {
    this.root = mkdtempSync(join(tmpdir(), `berth-ci-repo-${stack}-`));
    this.dir = join(this.root, "infra");
    mkdirSync(join(this.dir, "stacks"), { recursive: true });
    for (const f of COPIED) cpSync(join(PROJECT_DIR, f), join(this.dir, f), { recursive: true });
    symlinkSync(join(PROJECT_DIR, "node_modules"), join(this.dir, "node_modules"), "dir");
    mkdirSync(join(this.dir, ".github/workflows"), { recursive: true });
    for (const f of ["berth-preview.yml", "berth-up.yml", "berth-destroy.yml", "berth-reap.yml"]) {
      cpSync(join(PROJECT_DIR, "examples/github-actions", f), join(this.dir, ".github/workflows", f));
    }
    writeFileSync(join(this.dir, ".gitignore"), "node_modules\n");
  }


  /** stacks/Pulumi.local.yaml as this repository's stack, with a public key of the user's and the VM named after the stack. */
  writeStack(publicKey: string): void {
    const doc = parseDocument(withoutSecrets(readFileSync(join(PROJECT_DIR, "stacks/Pulumi.local.yaml"), "utf8")));
    doc.setIn(["config", "berth:host", "name"], this.stack);
    doc.setIn(["config", "berth:host", "sshPublicKey"], publicKey);
    writeFileSync(this.stackFile, doc.toString());
  }

  /** Change one value of the stack file, the way a user edits it. */
  setStackValue(path: string[], value: unknown): void {
    const doc = parseDocument(readFileSync(this.stackFile, "utf8"));
    doc.setIn(["config", ...path], value);
    writeFileSync(this.stackFile, doc.toString());
  }

  get stackFile(): string {
    return join(this.dir, "stacks", `Pulumi.${this.stack}.yaml`);
  }

  git(...args: string[]): string {
    return execFileSync("git", args, {
      cwd: this.dir,
      encoding: "utf8",
      env: { ...process.env, GIT_AUTHOR_NAME: "ci test", GIT_AUTHOR_EMAIL: "ci@berth.test", GIT_COMMITTER_NAME: "ci test", GIT_COMMITTER_EMAIL: "ci@berth.test" },
    }).trim();
  }

  init(): void {
    this.git("init", "-q", "-b", "main");
    // act reads github.repository from the remote; nothing is ever fetched from it.
    this.git("remote", "add", "origin", `https://github.com/${this.remote}.git`);
  }

  commit(message: string): string {
    this.git("add", "-A");
    this.git("commit", "-q", "--allow-empty", "-m", message);
    return this.git("rev-parse", "HEAD");
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
