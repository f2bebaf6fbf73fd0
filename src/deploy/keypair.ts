/**
 * ed25519 key pairs for hosts and students. ssh2's generateKeyPairSync drops a leading zero byte
 * of the public key about once in 500 keys and then writes a private key that nothing (ssh2
 * itself included) can read back: "Cannot parse privateKey: Malformed OpenSSH private key". In a
 * class of 200 that is a locked-out student in about one lab in three, so a pair is made again
 * until both halves parse.
 */
import ssh2 from "ssh2";

export interface KeyPair {
  readonly private: string;
  readonly public: string;
}

export function ed25519KeyPair(comment?: string): KeyPair {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync("ed25519", comment === undefined ? {} : { comment });
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error) && !(ssh2.utils.parseKey(pair.public) instanceof Error)) return pair;
  }
}
