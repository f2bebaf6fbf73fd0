// The entry `pulumi up` runs (Pulumi.yaml `main`). berth is TypeScript as ES modules; this loads
// it through tsx (esbuild), as bin/berth.js does, instead of Pulumi's ts-node path, which costs
// seconds per run and needs ts-node's ESM loader installed. The program's defined exports become
// the stack outputs (a lab has no single host's, a single host no lab's; Pulumi would warn about
// each undefined one at every preview). Type checking is `npm run typecheck`.
//
// Config problems (a RunError from the program) are logged here and the process exits with 32,
// the code by which Pulumi's Node.js runtime tells the language host "the user has been shown
// an actionable message": the same message, in about 2 s instead of the ~18 s the runtime's own
// unhandled-error path takes on this machine (measured with a two-line program, bench/README.md).
import { register } from "tsx/esm/api";
import * as pulumi from "@pulumi/pulumi";

const USER_ACTIONABLE_EXIT = 32;

register();

export default async () => {
  try {
    const outputs = await import("./index.ts");
    return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined));
  } catch (e) {
    if (!pulumi.RunError.isInstance(e)) throw e;
    await pulumi.log.error(e.message);
    process.exit(USER_ACTIONABLE_EXIT);
  }
};
