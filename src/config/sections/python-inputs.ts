/**
 * What a conda environment and pip requirements are made of, checked the way conda and pip read
 * them: channel names and URLs, conda match specs (`numpy>=1.26`, `conda-forge::numpy 1.26.*`),
 * requirement lines. Each union picks its form by the input's shape (see shapes.ts).
 */
import { z } from "zod";
import { argument, domain, fileOrText, section } from "../fields.js";
import { byShape } from "../shapes.js";

const CHANNEL_NAME = "[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9._-]+)*";
const CHANNEL_URL = "(?:https?|file)://[^\\s'\"]+";
const CHANNEL = new RegExp(`^(?:${CHANNEL_NAME}|${CHANNEL_URL})$`);

/** A conda channel: a name (conda-forge, nvidia/label/cuda-12.4.0) or a URL. */
export const condaChannel = domain(z.string().regex(CHANNEL, {
  message: "must be a conda channel name (letters, digits, . _ - and / between labels, no spaces) or an http(s):// URL, like conda-forge",
}), "conda-channel");

const NAME = "[A-Za-z0-9_][A-Za-z0-9._-]*";
const VERSION = "(?:==|>=|<=|!=|~=|[<>=])?[0-9*][A-Za-z0-9.*+!_-]*";
const VERSIONS = `${VERSION}(?:[,|]${VERSION})*`;
const BUILD = "[A-Za-z0-9_.*+-]+";
const MATCH_SPEC = new RegExp(`^(?:${CHANNEL_NAME}::)?${NAME}(?: ?${VERSIONS}(?:[ =]${BUILD})?)?(?:\\[[^\\]\\n]+\\])?$`);

/** A conda match spec: `numpy`, `numpy=1.26`, `python>=3.11,<3.13`, `pytorch::pytorch`, `numpy 1.26.* py312*`. */
export const matchSpec = domain(z.string().regex(MATCH_SPEC, {
  message: 'must be a conda package spec like numpy, numpy=1.26, "scipy>=1.11,<2" or conda-forge::numpy (a version starts with a digit or *)',
}), "conda-spec");

/** The short spec form of an environment. */
export const envSpec = section({
  name: domain(argument().regex(/^[A-Za-z0-9._-]+$/, { message: "must be letters, digits, ., _ and -" }), "conda-env-name"),
  python: domain(z.string().regex(/^\d+(\.\d+){0,2}$/, { message: "must be a Python version like 3.12" }), "python-version").optional(),
  packages: z.array(matchSpec).default([]),
  channels: z.array(condaChannel).default([]),
});

/** A conda environment: an environment.yml (inline or a file) or a short spec. */
export const condaEnv = byShape([
  { label: "{ file } or { text } (an environment.yml)", takes: "object", schema: fileOrText },
  { label: "{ name, python, packages, channels }", takes: "object", schema: envSpec },
]);

/** One requirements.txt line: no line breaks (each entry is one line of the file). */
const requirementLine = domain(z.string().min(1, { message: "must not be empty", abort: true }).regex(/^[^\u0000-\u001f]+$/, { message: "must be one requirements.txt line, without line breaks or control characters" }), "requirement");

/** requirements.txt: a file, inline text, or a list of requirement lines. */
export const requirements = byShape([
  { label: "{ file } or { text }", takes: "object", schema: fileOrText },
  { label: "a list of requirement lines", takes: "array", schema: z.array(requirementLine) },
]);
