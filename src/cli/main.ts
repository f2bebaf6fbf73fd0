/** The `berth` command. */
import { Command } from "commander";
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
  return cmd;
}

await program().parseAsync(process.argv);
