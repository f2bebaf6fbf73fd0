/**
 * `berth lab init`: a ready lab stack file and an example roster for a provider, from templates
 * that render as they are. The local template runs on the offline lab kit like
 * stacks/Pulumi.local.yaml; the DigitalOcean one needs a token and the lab's admin key, which
 * init makes (ed25519) next to the user's other keys and names in the stack file.
 */
import { stringify } from "yaml";
import type { Provider } from "../config/sections/host.js";

export const EXAMPLE_ROSTER = [
  "id,name,email,ssh_public_key",
  "s001,Ada Lovelace,ada@example.edu,",
  "s002,张三,zhangsan@example.edu,",
  "s003,Grace Hopper,grace@example.edu,",
  "",
].join("\n");

export interface ScaffoldInput {
  readonly provider: Provider;
  readonly name: string;
  /** The roster path as the stack file names it (relative to the project). */
  readonly roster: string;
  /** The lab's admin public key (DigitalOcean). */
  readonly adminPublicKey?: string;
  /** Where its private half is, for the comment that says how to set berth:sshPrivateKey. */
  readonly adminKeyFile?: string;
}

/**
 * `local`: the template is berth's own local stack (stacks/Pulumi.local.yaml: the kit's signed
 * mirror, the stand-in conda with its sha256, the kit's sample app), given as its config.
 */
export function scaffoldStack(i: ScaffoldInput, localStack: Readonly<Record<string, unknown>>): string {
  const lab = { roster: i.roster, expires: "14d", timezone: "Asia/Shanghai", namePrefix: i.name };
  let config: Record<string, unknown>;
  let head: string[];
  switch (i.provider) {
    case "local":
      config = {
        "berth:host": localStack["berth:host"] ?? { provider: "local" },
        "berth:bootstrap": localStack["berth:bootstrap"] ?? {},
        ...(localStack["berth:app"] ? { "berth:app": localStack["berth:app"] } : {}),
        "berth:lab": { ...lab, budget: { amount: 1, currency: "USD" } },
      };
      head = [
        `# Lab ${i.name} on local VMs, from berth's local stack (the offline lab kit: npx berth kit up). Rehearse the lab here first.`,
        "# The app's registry password comes from BERTH_REGISTRY_PASSWORD ($(cat ~/.cache/berth/kit/registry-password)).",
      ];
      break;
    case "digitalocean":
      config = {
        "berth:host": { provider: "digitalocean", region: "sgp1", size: "s-1vcpu-2gb", sshPublicKey: i.adminPublicKey ?? "", allowSsh: ["0.0.0.0/0", "::/0"] },
        "berth:bootstrap": { mirror: ["aliyun", "tuna", "ustc"], conda: { distribution: "miniforge", mirror: "tuna" }, pip: { mirror: "tuna" } },
        "berth:lab": { ...lab, budget: { amount: 100, currency: "USD" } },
      };
      head = [
        `# Lab ${i.name} on DigitalOcean: one droplet per student of ${i.roster}.`,
        "#   pulumi config set digitalocean:token --secret",
        `#   pulumi config set --secret berth:sshPrivateKey < ${i.adminKeyFile ?? "~/.ssh/berth_lab"}   # the lab's admin key (sshPublicKey below)`,
      ];
      break;
    default:
      throw new Error(`no lab template for provider ${i.provider}`);
  }
  head.push(
    "# berth:lab.expires: 14 days from the first pulumi up (or a date: 2027-01-15, read in berth:lab.timezone).",
    "# Students without ssh_public_key in the roster get a key berth makes: npx berth lab handout --stack <this file>.",
  );
  return `${head.join("\n")}\n${stringify({ config }, { lineWidth: 0 })}`;
}
