/**
 * Settings that must be Pulumi secrets, and how to tell whether a value is one. In a stack file a
 * secret is `{ secure: v1:… }`; under `pulumi up` the program receives it decrypted, and knows it
 * was secret from the stack file (or, for keys the file does not hold, from the runtime's list of
 * secret keys). A plaintext secret is refused with the command that stores it properly; its value
 * is never repeated in a message.
 */
import { isPlainObject } from "./fields.js";

/** Whether the value of config key `key` at `path` inside it is (or sits inside) a Pulumi secret. */
export type IsSecret = (key: string, path: readonly PropertyKey[]) => boolean;

const id = (key: string, path: readonly PropertyKey[]) => JSON.stringify([key, ...path]);

/** The `secure:` values of a stack file, collected key by key. */
export class SectionSecrets {
  readonly #paths = new Set<string>();

  collect(key: string, value: unknown, path: PropertyKey[] = []): void {
    if (isPlainObject(value) && Object.keys(value).length === 1 && typeof value.secure === "string") {
      this.#paths.add(id(key, path));
      return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => this.collect(key, v, [...path, i]));
    else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) this.collect(key, v, [...path, k]);
  }

  readonly isSecret: IsSecret = (key, path) => {
    for (let n = 0; n <= path.length; n++) if (this.#paths.has(id(key, path.slice(0, n)))) return true;
    return false;
  };
}

interface SecretSetting {
  readonly key: string;
  readonly path: readonly PropertyKey[];
  readonly shown: string;
  readonly what: string;
  readonly fix: string;
}

/** Every place a secret goes, found in the raw config (values as given, JSON already decoded). */
export function secretSettings(config: Readonly<Record<string, unknown>>): SecretSetting[] {
  const out: SecretSetting[] = [];
  if (config["berth:sshPrivateKey"] !== undefined) {
    out.push({ key: "berth:sshPrivateKey", path: [], shown: "berth:sshPrivateKey", what: "a private key", fix: "pulumi config set --secret berth:sshPrivateKey < ~/.ssh/id_ed25519" });
  }
  const app = config["berth:app"];
  if (isPlainObject(app)) {
    const registry = app.registry;
    if (isPlainObject(registry) && registry.password !== undefined) {
      out.push({ key: "berth:app", path: ["registry", "password"], shown: "berth:app.registry.password", what: "a registry password", fix: "pulumi config set --secret --path 'berth:app.registry.password' (berth deploy reads BERTH_REGISTRY_PASSWORD instead)" });
    }
    if (isPlainObject(app.secretEnv)) {
      for (const name of Object.keys(app.secretEnv)) {
        out.push({ key: "berth:app", path: ["secretEnv", name], shown: `berth:app.secretEnv.${name}`, what: "a secret value", fix: `pulumi config set --secret --path 'berth:app.secretEnv.${name}' (or move it to berth:app.env if it is not secret)` });
      }
    }
  }
  if (config["tencentcloud:secretKey"] !== undefined) {
    out.push({ key: "tencentcloud:secretKey", path: [], shown: "tencentcloud:secretKey", what: "a cloud API key", fix: "pulumi config set --secret tencentcloud:secretKey (or TENCENTCLOUD_SECRET_KEY in the environment)" });
  }
  if (config["digitalocean:token"] !== undefined) {
    out.push({ key: "digitalocean:token", path: [], shown: "digitalocean:token", what: "a cloud API token", fix: "pulumi config set --secret digitalocean:token (or DIGITALOCEAN_TOKEN in the environment)" });
  }
  return out;
}

function valueAt(config: Readonly<Record<string, unknown>>, s: SecretSetting): unknown {
  let v: unknown = config[s.key];
  for (const seg of s.path) v = isPlainObject(v) ? v[String(seg)] : undefined;
  return v;
}

/** One line per secret given in plaintext (the value itself is never shown). */
export function plaintextSecrets(config: Readonly<Record<string, unknown>>, isSecret: IsSecret): string[] {
  const out: string[] = [];
  for (const s of secretSettings(config)) {
    const v = valueAt(config, s);
    if (typeof v !== "string" || isSecret(s.key, s.path)) continue;
    out.push(`${s.shown}: ${s.what} in plaintext — a stack file is meant to be committed, and Pulumi would keep it unencrypted; store it as a Pulumi secret: ${s.fix}`);
  }
  return out;
}
