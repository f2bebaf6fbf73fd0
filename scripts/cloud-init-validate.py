"""Validate cloud-config files with cloud-init's own schema code, many files per process.

Usage: python3 cloud-init-validate.py FILE...   (cloudinit importable via PYTHONPATH)
Prints one line per file: "BERTH-RESULT " + JSON {"file", "errors": [...]} (cloud-init prints
notices of its own on stdout too). Uses validate_cloudconfig_file,
the function `cloud-init schema --config-file` calls, and adds the check it lacks: every
top-level key must belong to a cloud-init module's schema.
"""
import json
import sys

import yaml
from cloudinit.config.schema import SchemaValidationError, get_schema, validate_cloudconfig_file


def module_keys(schema):
    keys = set()
    for ref in schema.get("allOf", []):
        name = ref.get("$ref", "").rsplit("/", 1)[-1]
        keys |= set(schema["$defs"].get(name, {}).get("properties", {}).keys())
    return keys


def main(paths):
    schema = get_schema()
    known = module_keys(schema)
    for path in paths:
        errors = []
        try:
            validate_cloudconfig_file(path, schema)
        except SchemaValidationError as e:
            errors.append(str(e))
        except Exception as e:  # bad YAML, missing header: cloud-init reports these too
            errors.append(f"{type(e).__name__}: {e}")
        try:
            with open(path, encoding="utf-8") as f:
                doc = yaml.safe_load(f)
            if isinstance(doc, dict):
                errors += [f"unknown top-level key: {k}" for k in sorted(doc) if k not in known]
        except yaml.YAMLError:
            pass
        print("BERTH-RESULT " + json.dumps({"file": path, "errors": errors}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
