// vm-key.ts — the SSH key pair `berth local up` makes for a local VM.
//
//   const key = ensureVmKey("s1");   // ~/.cache/berth/vms/s1/id_ed25519 (0600) and .pub
//   createVm({ …, sshPublicKey: [key.publicKey] });
//   // ssh -i key.privateKeyFile -p <port> debian@127.0.0.1
//
// The pair lives in the VM's own cache directory, so destroyVm (and `berth kit down`) removes
// it with the VM. An existing pair is reused: a second `local up` of the same name never
// replaces the key of a VM that is still running.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ssh2 from "ssh2";
import { ed25519KeyPair } from "../deploy/keypair.js";
import { cacheDir } from "./engine.js";

export interface VmKey {
  privateKeyFile: string;
  publicKey: string;
}

export function vmKeyFile(name: string): string {
  return cacheDir("vms", name, "id_ed25519");
}

export function ensureVmKey(name: string): VmKey {
  const dir = cacheDir("vms", name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const privateKeyFile = vmKeyFile(name);
  const pubFile = `${privateKeyFile}.pub`;
  if (!existsSync(privateKeyFile) || !existsSync(pubFile)) {
    const pair = ed25519KeyPair(`berth-vm-${name}`);
    writeFileSync(privateKeyFile, pair.private, { mode: 0o600 });
    writeFileSync(pubFile, `${pair.public}\n`, { mode: 0o644 });
  }
  chmodSync(privateKeyFile, 0o600);
  return { privateKeyFile, publicKey: readFileSync(pubFile, "utf8").trim() };
}

/** Public keys of the user's own ~/.ssh/id_{ed25519,ecdsa,rsa}.pub (the first found), if any. */
export function userPublicKey(home: string): string | undefined {
  const found = ["id_ed25519.pub", "id_ecdsa.pub", "id_rsa.pub"].map((n) => join(home, ".ssh", n)).find((p) => existsSync(p));
  return found ? readFileSync(found, "utf8").trim() : undefined;
}
