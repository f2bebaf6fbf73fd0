// berth:lab through load(): the section's keys, the rules that span sections, and the roster read
// from the project directory, every problem with the key the user wrote.
import { describe, expect, it } from "vitest";
import { load } from "../../src/config/load.js";
import { PUBKEY, RSA_PUBKEY } from "../helpers/config.js";

const ROSTER = "id,name,email\ns001,Ada,ada@uni.edu\ns002,Grace,grace@uni.edu\n";

function loadLab(raw: Record<string, unknown>, files: Record<string, string> = { "/proj/rosters/ml.csv": ROSTER }, stack = "ml-2027") {
  return load({ "berth:bootstrap": { mirror: "tuna" }, ...raw }, {
    baseDir: "/proj",
    stack,
    readBytes: (p) => {
      const f = files[p];
      if (f === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
      return new TextEncoder().encode(f);
    },
  });
}
const errors = (raw: Record<string, unknown>, files?: Record<string, string>) => {
  const r = loadLab(raw, files);
  if (r.ok) throw new Error("expected errors");
  return r.errors;
};
const LAB = { roster: "rosters/ml.csv", expires: "2027-01-15T18:00:00+08:00" };

describe("a lab stack loads", () => {
  it("with its students, host names from the stack name, and the expiry as a moment", () => {
    const r = loadLab({ "berth:host": { provider: "local" }, "berth:lab": LAB });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    const lab = r.config.lab!;
    expect(lab.students.map((s) => [s.id, s.hostName, s.name, s.email])).toEqual([["s001", "ml-2027-s001", "Ada", "ada@uni.edu"], ["s002", "ml-2027-s002", "Grace", "grace@uni.edu"]]);
    expect(lab.expiry).toEqual({ kind: "at", at: new Date("2027-01-15T10:00:00Z"), written: LAB.expires });
    expect(lab).toMatchObject({ roster: "rosters/ml.csv", rosterPath: "/proj/rosters/ml.csv", handouts: "handouts/ml-2027", namePrefix: "ml-2027", budget: undefined, timezone: undefined });
  });

  it("an unquoted YAML date (Go's time string from Pulumi) is the date alone, read in the lab's timezone", () => {
    const r = loadLab({ "berth:host": { provider: "digitalocean", sshPublicKey: PUBKEY }, "berth:lab": { ...LAB, expires: "2027-01-15 00:00:00 +0000 UTC", timezone: "Asia/Shanghai", namePrefix: "ml" } });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    expect(r.config.lab?.expiry).toMatchObject({ kind: "at", at: new Date("2027-01-15T16:00:00Z") });
    expect(r.config.lab?.students.map((s) => s.hostName)).toEqual(["ml-s001", "ml-s002"]);
  });
});

describe("a Tencent Cloud lab", () => {
  it("loads: host names within Tencent's 60 bytes, the admin key RSA as ImportKeyPair takes it", () => {
    const r = loadLab({ "berth:host": { provider: "tencentcloud", zone: "ap-guangzhou-3", image: "img-487zeit5", sshPublicKey: RSA_PUBKEY }, "berth:lab": LAB });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    expect(r.config.lab?.students.map((s) => s.hostName)).toEqual(["ml-2027-s001", "ml-2027-s002"]);
    expect(r.config.host.provider).toBe("tencentcloud");
  });

  it("refuses an admin key Tencent cannot import, before any resource", () => {
    expect(errors({ "berth:host": { provider: "tencentcloud", zone: "ap-guangzhou-3", image: "img-487zeit5", sshPublicKey: PUBKEY }, "berth:lab": LAB })).toEqual([
      "berth:host.sshPublicKey: Tencent Cloud imports OpenSSH RSA keys only (ImportKeyPair), not ssh-ed25519 — make one for berth: ssh-keygen -t rsa -b 4096 -f ~/.ssh/berth_tencent, give the line in ~/.ssh/berth_tencent.pub here, and set berth:sshPrivateKey from ~/.ssh/berth_tencent",
    ]);
  });
});

describe("lab problems name the key", () => {
  it("a date without a timezone, an unknown timezone, a bad duration, a budget in words", () => {
    expect(errors({ "berth:lab": { ...LAB, expires: "2027-01-15" } })).toEqual([
      'berth:lab.expires: "2027-01-15" is a date without a timezone — set berth:lab.timezone (like Asia/Shanghai), or write the moment with its offset, like 2027-01-15T23:59:59+08:00',
    ]);
    expect(errors({ "berth:lab": { ...LAB, timezone: "Asia/Beijing" } })).toEqual(['berth:lab.timezone: unknown timezone "Asia/Beijing" — write an IANA name like Asia/Shanghai, Europe/Berlin or UTC']);
    expect(errors({ "berth:lab": { ...LAB, expires: "14 days" } })).toEqual(['berth:lab.expires: "14 days" is neither a date (2027-01-15, 2027-01-15T18:00:00+08:00) nor a duration (36h, 14d, 2w)']);
    expect(errors({ "berth:lab": { ...LAB, expires: "400d" } })).toEqual(["berth:lab.expires: 400d is more than a year — berth refuses labs longer than 366 days; write the course's end date"]);
    expect(errors({ "berth:lab": { ...LAB, budget: { amount: "500", currency: "RMB" } } })).toEqual([
      'berth:lab.budget.amount: must be a whole amount from 1 to 1000000000 (got "500")',
      'berth:lab.budget.currency: unknown currency "RMB" — expected one of (USD, CNY)',
    ]);
    expect(errors({ "berth:lab": { roster: "rosters/ml.csv" } })).toEqual(["berth:lab.expires: required: when the lab ends, like 2027-01-15 (with berth:lab.timezone) or 14d — berth destroys nothing by itself, but every host carries this date"]);
    expect(errors({ "berth:lab": { ...LAB, rooster: "x" } })).toEqual(['berth:lab: unknown key "rooster" — did you mean "roster"? (roster, encoding, columns, expires, timezone, budget, handouts, namePrefix)']);
  });

  it("a provider a lab cannot run on, and host.name", () => {
    expect(errors({ "berth:host": { provider: "existing", address: "203.0.113.10" }, "berth:lab": LAB })).toEqual([
      "berth:lab: a lab makes one new host per student, and provider existing uses a server you already have — choose local, digitalocean or tencentcloud",
    ]);
    expect(errors({ "berth:host": { provider: "local", name: "web" }, "berth:lab": LAB })).toEqual([
      "berth:host.name: names a single host; a lab names each student's host <namePrefix>-<student id> — remove host.name, or set berth:lab.namePrefix",
    ]);
  });

  it("the roster file: missing, and its problems under berth:lab.roster", () => {
    expect(errors({ "berth:lab": { ...LAB, roster: "rosters/nope.csv" } })).toEqual(['berth:lab.roster: cannot read "rosters/nope.csv" (no such file; paths are relative to /proj)']);
    expect(errors({ "berth:lab": LAB }, { "/proj/rosters/ml.csv": "id\ns1\ns1\n" })).toEqual(['berth:lab.roster: rosters/ml.csv row 3, column id (A): id "s1" is already on row 2 — each student once']);
  });

  it("a name prefix that is not the start of a host name", () => {
    expect(errors({ "berth:lab": { ...LAB, namePrefix: "ML_2027" } })).toEqual(["berth:lab.namePrefix: must be lowercase letters, digits and inner -, at most 24 characters (it starts every host's name)"]);
  });
});
