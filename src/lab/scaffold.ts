/**
 * `berth lab init`: a ready lab stack file and an example roster for a provider, from templates
 * that render as they are. The local template runs on the offline lab kit like
 * stacks/Pulumi.local.yaml; the DigitalOcean one needs a token and the lab's admin key, which
 * init makes (ed25519) next to the user's other keys and names in the stack file; the Tencent
 * Cloud one (like stacks/Pulumi.tencent.yaml: Tencent's in-cloud mirrors) needs API keys and an
 * admin key of the type Tencent imports (OpenSSH RSA), which init makes the same way.
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
  /** The lab's admin public key (DigitalOcean, Tencent Cloud). */
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
    case "tencentcloud":
      config = {
        "berth:host": { provider: "tencentcloud", os: "ubuntu-22.04", region: "ap-guangzhou", zone: "ap-guangzhou-3", size: "S5.MEDIUM4", image: "img-487zeit5", sshPublicKey: i.adminPublicKey ?? "", allowSsh: ["0.0.0.0/0", "::/0"], bandwidth: 5 },
        "berth:bootstrap": { mirror: ["tencent-internal", "tencent"], docker: { registryMirrors: ["tencent-internal"] }, conda: { distribution: "miniforge", mirror: "tuna" }, pip: { mirror: "tencent" } },
        "berth:lab": { ...lab, budget: { amount: 1000, currency: "CNY" } },
      };
      head = [
        `# Lab ${i.name} on Tencent Cloud: one CVM per student of ${i.roster}, sharing one security group and key pair;`,
        "# Tencent terminates every host when the lab expires (ActionTimer). Preview checks the zone's quota and asks Tencent the price.",
        "#   pulumi config set tencentcloud:secretId AKID…",
        "#   pulumi config set --secret tencentcloud:secretKey",
        `#   pulumi config set --secret berth:sshPrivateKey < ${i.adminKeyFile ?? "~/.ssh/berth_lab"}   # the lab's admin key (sshPublicKey below; RSA, as Tencent imports)`,
        "# image: the public image id of Ubuntu 22.04 in your region (console, or DescribeImages); zone: one your account has quota in.",
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
