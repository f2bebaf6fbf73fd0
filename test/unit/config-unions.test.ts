// Fields with several forms report the mistake inside the form the user wrote, at its own key —
// never "expected false" (which, followed, turns the feature off) or another form's unknown keys.
import { describe, expect, it } from "vitest";
import { errorsOf } from "../helpers/config.js";

const B = { mirror: "tuna" };
const app = (healthcheck: unknown) => ({ "berth:bootstrap": B, "berth:app": { image: "reg.lab/app:v1", ports: ["80:8080"], healthcheck } });

describe("each union reports the form the input has", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    // docker.logRotation: false | { maxSize, maxFile }
    ["logRotation: a bad size inside the object", { "berth:bootstrap": { ...B, docker: { logRotation: { maxSize: "10MB" } } } }, ["berth:bootstrap.docker.logRotation.maxSize: must be a size like 10m, 512k or 1g"]],
    ["logRotation: a count out of range", { "berth:bootstrap": { ...B, docker: { logRotation: { maxSize: "10m", maxFile: 0 } } } }, ["berth:bootstrap.docker.logRotation.maxFile: must be a whole number from 1 to 100 (got 0)"]],
    ["logRotation: a misspelt key", { "berth:bootstrap": { ...B, docker: { logRotation: { maxsize: "10m" } } } }, ['berth:bootstrap.docker.logRotation: unknown key "maxsize" — did you mean "maxSize"? (maxSize, maxFile)']],
    ["logRotation: true is neither form", { "berth:bootstrap": { ...B, docker: { logRotation: true } } }, ["berth:bootstrap.docker.logRotation: expected false (to manage logging yourself) or { maxSize, maxFile } — got true"]],
    // app.healthcheck: false | { type: http | image | running, … }
    ["healthcheck: a bad port in an http check", app({ type: "http", port: 0 }), ["berth:app.healthcheck.port: must be a port number from 1 to 65535 (got 0)"]],
    ["healthcheck: a misspelt type", app({ type: "htp", path: "/" }), ['berth:app.healthcheck.type: unknown health check type "htp" — did you mean "http"? (http, image, running)']],
    ["healthcheck: no type", app({ path: "/health" }), ["berth:app.healthcheck.type: required — one of (http, image, running)"]],
    ["healthcheck: a key of another type", app({ type: "running", secnds: 3 }), ['berth:app.healthcheck: unknown key "secnds" — did you mean "seconds"? (type, seconds)']],
    ["healthcheck: neither form", app("yes"), ['berth:app.healthcheck: expected false or { type: http | image | running, … } — got "yes"']],
    // conda.env: { file } | { text } | { name, python, packages, channels }
    ["conda.env: a bad name in the spec form", { "berth:bootstrap": { ...B, conda: { env: { name: "my env", packages: ["numpy"] } } } }, ["berth:bootstrap.conda.env.name: must be letters, digits, ., _ and -"]],
    ["conda.env: a misspelt key of the spec form", { "berth:bootstrap": { ...B, conda: { env: { name: "lab", pakages: ["numpy"] } } } }, ['berth:bootstrap.conda.env: unknown key "pakages" — did you mean "packages"? (name, python, packages, channels)']],
    ["conda.env: the two forms mixed", { "berth:bootstrap": { ...B, conda: { env: { file: "envs/lab.yml", name: "lab" } } } }, ["berth:bootstrap.conda.env: give one form, not a mix: file belongs to { file } or { text } (an environment.yml); name belongs to { name, python, packages, channels }"]],
    ["conda.env: neither form", { "berth:bootstrap": { ...B, conda: { env: "envs/lab.yml" } } }, ['berth:bootstrap.conda.env: expected { file } or { text } (an environment.yml) or { name, python, packages, channels } — got "envs/lab.yml"']],
    // pip.requirements: { file } | { text } | [lines]
    ["pip.requirements: a bad line in the list form", { "berth:bootstrap": { ...B, pip: { requirements: ["flask>=3", "requests\nnumpy"] } } }, ["berth:bootstrap.pip.requirements[1]: must be one requirements.txt line, without line breaks or control characters"]],
    ["pip.requirements: a misspelt key of the file form", { "berth:bootstrap": { ...B, pip: { requirements: { fiel: "requirements.txt" } } } }, [
      'berth:bootstrap.pip.requirements: unknown key "fiel" — did you mean "file"? (file, text)',
      "berth:bootstrap.pip.requirements: give exactly one of file or text",
    ]],
    ["pip.requirements: one line given as a string", { "berth:bootstrap": { ...B, pip: { requirements: "flask" } } }, ['berth:bootstrap.pip.requirements: expected { file } or { text } or a list of requirement lines — got "flask"']],
    // mirror: a name | { url, … } | a list of them
    ["mirror: a misspelt key of a custom mirror", { "berth:bootstrap": { mirror: { url: "https://mirrors.example.edu", nme: "campus" } } }, ['berth:bootstrap.mirror: unknown key "nme" — did you mean "name"? (url, name, paths, dockerCeKeyFingerprint)']],
    ["mirror: a bad URL inside a list", { "berth:bootstrap": { mirror: ["tuna", { url: "mirrors.example.edu" }] } }, ['berth:bootstrap.mirror[1].url: "mirrors.example.edu" is not a valid http(s) URL — write it like https://mirrors.example.edu.cn/docker-ce']],
    ["mirror: neither form", { "berth:bootstrap": { mirror: 5 } }, ["berth:bootstrap.mirror: expected a mirror name or { url, … } or a list of them — got 5"]],
    ["conda.mirror: a misspelt key of a custom mirror", { "berth:bootstrap": { ...B, conda: { mirror: { ulr: "https://mirrors.example.edu" } } } }, [
      "berth:bootstrap.conda.mirror.url: required: expected string",
      'berth:bootstrap.conda.mirror: unknown key "ulr" — did you mean "url"? (url, name, paths, dockerCeKeyFingerprint)',
    ]],
    // docker.registryMirrors[i]: a name or URL | { url, insecure }
    ["registryMirrors: a misspelt key of the object form", { "berth:bootstrap": { ...B, docker: { registryMirrors: [{ url: "http://cache.lab:5000", insecur: true }] } } }, ['berth:bootstrap.docker.registryMirrors[0]: unknown key "insecur" — did you mean "insecure"? (url, insecure)']],
    ["registryMirrors: neither form", { "berth:bootstrap": { ...B, docker: { registryMirrors: [true] } } }, ["berth:bootstrap.docker.registryMirrors[0]: expected a mirror name or URL or { url, insecure } — got true"]],
  ])("%s", (_name, raw, expected) => {
    expect(errorsOf(raw)).toEqual(expected);
  });

  it("never suggests the form that turns a feature off for a mistake inside an object", () => {
    const errors = [
      ...errorsOf({ "berth:bootstrap": { ...B, docker: { logRotation: { maxSize: "big", maxFile: "3" } } } }),
      ...errorsOf(app({ type: "http", path: "health", status: 999 })),
    ];
    expect(errors.filter((e) => /expected false/.test(e))).toEqual([]);
    expect(errors).toEqual([
      "berth:bootstrap.docker.logRotation.maxSize: must be a size like 10m, 512k or 1g",
      'berth:bootstrap.docker.logRotation.maxFile: must be a whole number from 1 to 100 (got "3")',
      "berth:app.healthcheck.path: must be a URL path starting with / and without spaces",
      "berth:app.healthcheck.status: must be an HTTP status from 100 to 599 (got 999)",
    ]);
  });
});
