"""Print the JSON schema of one version of a CustomResourceDefinition, made strict.

Usage: python crd-schema.py CRD.yaml KIND VERSION > schema.json

The CRD's openAPIV3Schema allows unknown fields (the API server prunes them, kubectl warns), so a
typo in a field name would pass. As kubeconform's -strict does, every object schema that lists
properties and says nothing about others gets additionalProperties: false; apiVersion and kind
must name this CRD. Exits 2 when the file is not a CRD for KIND or does not serve VERSION.
"""

import json
import sys

import yaml


def strict(node):
    if isinstance(node, dict):
        if (
            node.get("properties")
            and "additionalProperties" not in node
            and not node.get("x-kubernetes-preserve-unknown-fields")
        ):
            node["additionalProperties"] = False
        for value in node.values():
            strict(value)
    elif isinstance(node, list):
        for value in node:
            strict(value)


def main():
    path, kind, version = sys.argv[1:4]
    with open(path, encoding="utf-8") as f:
        crd = yaml.safe_load(f)
    spec = crd.get("spec", {}) if isinstance(crd, dict) else {}
    if crd.get("kind") != "CustomResourceDefinition" or spec.get("names", {}).get("kind") != kind:
        sys.exit(f"{path} is not the CustomResourceDefinition of {kind}")
    for v in spec.get("versions", []):
        if v.get("name") == version and v.get("served"):
            schema = v["schema"]["openAPIV3Schema"]
            break
    else:
        sys.exit(f"{path}: {kind} does not serve version {version}")
    strict(schema)
    schema["properties"]["apiVersion"] = {"const": f"{spec['group']}/{version}"}
    schema["properties"]["kind"] = {"const": kind}
    schema["required"] = sorted(set(schema.get("required", [])) | {"apiVersion", "kind"})
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    json.dump(schema, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
