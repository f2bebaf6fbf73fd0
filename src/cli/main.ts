/** The `berth` command. */
import { Command } from "commander";
import { cacheStatusCommand } from "./cache.js";
import { registerCi } from "./ci.js";
import { deployCommand, logsCommand, seconds, statusCommand } from "./deploy.js";
import { registerDoctor } from "./doctor.js";
import { exitOnStrayErrors, runCli } from "./failure.js";
import { registerLab } from "./lab.js";
import { kitDownCommand, kitUpCommand, localDownCommand, localEnvCommand, localUpCommand } from "./local.js";
import { registerLock } from "./lock.js";
import { renderCommand } from "./render.js";

const io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) };

export function program(): Command {
  const cmd = new Command("berth").description("cloud servers with docker-ce, registry mirrors and conda from the mirrors you choose");
  cmd
    .command("render")
    .description("print the cloud-init user-data a stack boots with, or write user-data and bootstrap.sh into --out")
    .requiredOption("--stack <file>", "stack file, like stacks/Pulumi.local.yaml")
    .option("--out <dir>", "write user-data and bootstrap.sh here instead of printing")
    .action((opts: { stack: string; out?: string }) => {
      process.exitCode = renderCommand(opts, io);
    });
  const kit = cmd.command("kit").description("the offline lab kit: signed docker-ce mirror, conda stand-ins, private registry, sample app");
  kit.command("up").description("set the kit up (idempotent, cached; starts nothing twice)").action(async () => {
    process.exitCode = await kitUpCommand(io);
  });
  kit.command("down").description("remove the kit's containers, volumes and network, and local VMs")
    .option("--purge", "also remove the kit's images and caches", false)
    .action(async (opts: { purge: boolean }) => {
      process.exitCode = await kitDownCommand(opts, io);
    });
  const local = cmd.command("local").description("local VMs: systemd + cloud-init containers on this machine's Docker engine");
  local.command("up").description("boot a local stack's VM and wait for its bootstrap")
    .requiredOption("--stack <file>", "a stack with berth:host.provider local")
    .option("--name <name>", "VM name (default berth:host.name, else berth-local)")
    .option("--timeout <seconds>", "give up after", (v: string) => Number(v), 900)
    .action(async (opts: { stack: string; name?: string; timeout: number }) => {
      process.exitCode = await localUpCommand(opts, io);
    });
  local.command("env").description("print the exports pulumi needs for the local stack: a private file backend (0700), a random passphrase file (0600), the kit's registry password")
    .action(() => {
      process.exitCode = localEnvCommand(io);
    });
  local.command("down").description("remove a local VM and its volumes")
    .requiredOption("--stack <file>", "the stack it was booted from")
    .option("--name <name>", "VM name")
    .action(async (opts: { stack: string; name?: string }) => {
      process.exitCode = await localDownCommand(opts, io);
    });
  const hostOpts = (c: Command) =>
    c.requiredOption("--stack <file>", "stack file with berth:app")
      .requiredOption("--host <user@addr[:port]>", "a host to act on (repeat for several)", (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option("--identity <file>", "SSH private key (default ~/.ssh/id_ed25519, id_ecdsa or id_rsa)")
      .option("--known-hosts <file>", "trust-on-first-use host keys (default ~/.config/berth/known_hosts)")
      .option("--fingerprint <SHA256:…>", "pin the host key instead of trusting it on first use");
  hostOpts(cmd.command("deploy").description("pull (or stream) and run berth:app on each host, health-check, roll back on failure"))
    .option("--concurrency <n>", "hosts at once", (v: string) => Number(v), 8)
    .option("--no-wait", "do not wait for the berth bootstrap to finish")
    .option("--lock-timeout <seconds>", "wait this long for another deploy of the app on a host (default berth:app.lockTimeoutSeconds, else 600)", seconds)
    .action(async (opts: Parameters<typeof deployCommand>[0]) => {
      process.exitCode = await deployCommand(opts, io);
    });
  hostOpts(cmd.command("status").description("bootstrap phase, mirrors used and the app's release on each host"))
    .action(async (opts: Parameters<typeof statusCommand>[0]) => {
      process.exitCode = await statusCommand(opts, io);
    });
  hostOpts(cmd.command("logs").description("the app's container logs on one host"))
    .option("-f, --follow", "keep streaming", false)
    .option("--lines <n>", "lines from the end", (v: string) => Number(v), 100)
    .action(async (opts: Parameters<typeof logsCommand>[0]) => {
      process.exitCode = await logsCommand(opts, io);
    });
  registerLock(cmd, io, hostOpts);
  cmd.command("cache").description("lab caches (docker-ce, PyPI, conda, Docker Hub) in front of the mirrors")
    .command("status").description("hits, misses and bytes saved per cache, from the cache's logs (the lab kit's cache without --host)")
    .option("--host <user@addr[:port]>", "a cache host, over SSH")
    .option("--identity <file>", "SSH private key (default ~/.ssh/id_ed25519, id_ecdsa or id_rsa)")
    .option("--known-hosts <file>", "trust-on-first-use host keys (default ~/.config/berth/known_hosts)")
    .option("--fingerprint <SHA256:…>", "pin the host key instead of trusting it on first use")
    .option("--prefix <name>", "the cache's container name prefix (berth-cache on a host, berth-kit-cache in the kit)")
    .option("--json", "print the numbers as JSON", false)
    .action(async (opts: Parameters<typeof cacheStatusCommand>[0]) => {
      process.exitCode = await cacheStatusCommand(opts, io);
    });
  registerDoctor(cmd, io);
  registerCi(cmd, io);
  registerLab(cmd, io);
  return cmd;
}

// No stack trace for a user's mistake: src/cli/failure.ts prints the message (BERTH_DEBUG=1 adds the stack).
exitOnStrayErrors(io);
process.exitCode = await runCli(() => program().parseAsync(process.argv), io);
