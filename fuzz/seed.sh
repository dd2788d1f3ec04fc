#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/seed-*, from the
# repository's fixtures (tests/fixtures/pki/*.pem, src/demo/pem/*), the settings.yaml that
# `istio-alb example DIR` writes, and a few hostile texts. Idempotent: run it as often as you like;
# it only (re)writes seed-* files and never removes what the fuzzer added to a corpus.
#
# Usage: fuzz/seed.sh
# Env:   ISTIO_ALB=path/to/istio-alb  use this binary for `example` (default: target/*/istio-alb
#        when built, else `cargo run -- example`).
set -euo pipefail

fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$fuzz_dir")
corpus="$fuzz_dir/corpus"
pki="$repo/tests/fixtures/pki"
demo="$repo/src/demo/pem"
at=1764151200 # 2025-11-26T10:00:00Z, inside the demo certificates' validity
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for t in pem_reader private_key cert_summary settings file_import check check_normalised plan; do
  mkdir -p "$corpus/$t"
done

# seed TARGET NAME < content
seed() {
  cat >"$corpus/$1/seed-$2"
}

# The base64 body of the first PEM block of a file, decoded (DER).
der_of() {
  awk '/-----BEGIN/{on=1; next} /-----END/{if (on) exit} on' "$1" | base64 -d
}

# --- The settings file `istio-alb example DIR` writes -------------------------------------------
bin="${ISTIO_ALB:-}"
if [[ -z $bin ]]; then
  for b in "$repo/target/release/istio-alb" "$repo/target/debug/istio-alb"; do
    if [[ -x $b ]]; then
      bin=$b
      break
    fi
  done
fi
if [[ -n $bin ]]; then
  "$bin" example "$tmp/example" >/dev/null
else
  echo "seed.sh: building istio-alb for \`example\` (once)" >&2
  cargo run --quiet --manifest-path "$repo/Cargo.toml" --bin istio-alb -- example "$tmp/example" >/dev/null
fi
settings="$tmp/example/settings.yaml"

# --- pem_reader, private_key, cert_summary, file_import: every fixture PEM ----------------------
for f in "$pki"/*.pem "$demo"/*; do
  name=$(basename "$f")
  for t in pem_reader file_import; do
    seed "$t" "$name" <"$f"
  done
  if grep -q 'PRIVATE KEY' "$f"; then
    seed private_key "$name" <"$f"
  fi
  if grep -q 'BEGIN CERTIFICATE' "$f"; then
    seed cert_summary "$name" <"$f"
    # DER, as summarize_der and file import (a certificate exported from a browser) see it.
    der_of "$f" | seed cert_summary "$name.der"
    der_of "$f" | seed file_import "$name.der"
  fi
  if grep -q 'PRIVATE KEY-----' "$f" && ! grep -q 'ENCRYPTED' "$f"; then
    der_of "$f" | seed file_import "$name.der" # a DER private key: refused
  fi
done

# PKCS#12, when OpenSSL is there (it usually is): refused with the conversion command.
if command -v openssl >/dev/null; then
  openssl pkcs12 -export -in "$demo/nlb.crt" -inkey "$demo/nlb.key" -passout pass:seed \
    -out "$tmp/nlb.p12" 2>/dev/null && seed file_import nlb.p12 <"$tmp/nlb.p12"
fi

# --- Hostile and odd pastes ---------------------------------------------------------------------
cert="$demo/ca.pem"
key="$demo/nlb.key"
hostile() { # hostile NAME: write to pem_reader and private_key/cert_summary as fitting
  local name=$1
  cat >"$tmp/h"
  seed pem_reader "$name" <"$tmp/h"
  seed file_import "$name" <"$tmp/h"
  seed cert_summary "$name" <"$tmp/h"
  seed private_key "$name" <"$tmp/h"
}
tr '\n' ' ' <"$cert" | hostile one-line-cert
tr '\n' ' ' <"$key" | hostile one-line-key
sed 's/\(-----BEGIN CERTIFICATE\)-----/\1/' "$cert" | hostile begin-without-closing-dashes
sed 's/\(-----END CERTIFICATE\)-----/\1/' "$cert" | hostile end-without-closing-dashes
sed 's/$/\r/' "$cert" | hostile crlf
sed 's/^/    /' "$key" | hostile indented-key
awk '{printf "%s\\n", $0}' "$cert" | hostile json-escaped
base64 -w0 "$cert" | hostile base64-of-pem
{ printf 'Here is the cert you asked for:\n\n'; cat "$cert"; printf '\nthanks!\n'; } | hostile text-around
{ printf '\xEF\xBB\xBF'; cat "$cert"; } | hostile bom
{ printf -- '-----BEGIN CERTIFICATE-----\n'; head -c 45000 /dev/zero | base64 -w0; printf '\n-----END CERTIFICATE-----\n'; } |
  hostile huge-base64-line
{ printf -- '-----BEGIN CERTIFICATE-----\n'; head -c 45000 /dev/zero | base64 -w0; } | hostile huge-unterminated
{ printf -- '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00AA\n\n'; der_of "$key" | base64; printf -- '-----END RSA PRIVATE KEY-----\n'; } |
  hostile legacy-encrypted-header
printf -- '-----END CERTIFICATE----- -----BEGIN CERTIFICATE----- MAMCAQE= -----END PRIVATE KEY-----' |
  hostile stray-and-mismatched

# --- settings -----------------------------------------------------------------------------------
seed settings example.yaml <"$settings"
seed settings golden-classic.yaml <"$repo/tests/golden/classic/settings.yaml"
{
  sed '/^certificates:/,$d' "$settings"
  printf 'certificates:\n  nlb_cert: |\n'
  sed 's/^/    /' "$demo/nlb.crt"
  printf '  client_ca: "%s"\n' "$(awk '{printf "%s\\n", $0}' "$cert")"
} | seed settings inline-pem.yaml
printf '{"cluster_name": "c", "app_port": 4294967295, "profile": "classic", "certificates": null}\n' |
  seed settings json.json
printf 'a: &a [1, 2]\nb: *a\n' | seed settings alias.yaml
# shellcheck disable=SC2016 # a literal $(id): the seed is hostile on purpose
printf 'cluster_name: "$(id)"\npath: "/x\\n; rm -rf ~"\napp_port: 0\n' | seed settings hostile-values.yaml

# --- check and plan: "<at>\n<part>\0<part>..." (see fuzz/src/lib.rs) ---------------------------
# parts FILE...: the files' contents separated by NUL ("-" = an empty part).
parts() {
  local first=1 f
  for f in "$@"; do
    [[ $first == 1 ]] || printf '\0'
    first=0
    [[ $f == - ]] || cat "$f"
  done
}
demo_set=("$demo/nlb.crt" "$demo/nlb.key" "$demo/alb-client.crt" "$demo/alb-client.key" "$demo/ca.pem" -)
{ echo "$at"; parts "${demo_set[@]}"; } | seed check demo
{ echo 2400000000; parts "${demo_set[@]}"; } | seed check demo-expired
{ echo "$at"; parts "$demo/nlb.crt" "$demo/alb-client.key" "$demo/alb-client.crt" "$demo/nlb.key" "$demo/nlb.crt" "$demo/ca.pem"; } |
  seed check swapped
{ echo "$at"; parts "$pki/sha1-leaf.pem" "$pki/rsa2048b.pkcs8.pem" "$pki/sha1-leaf.pem" "$pki/rsa2048.pkcs1.pem" "$pki/sha1-root.pem" "$pki/sha1-root.pem"; } |
  seed check sha1
{ echo "$at"; parts "$demo/nlb.crt" "$pki/ec256.sec1.pem" "$demo/ca.pem" "$pki/ed25519.pkcs8.pem" "$demo/nlb.crt" "$pki/rsa1024.pub.pem"; } |
  seed check mixed
{ echo "$at"; parts "${demo_set[@]}" | tr '\n' ' '; } | seed check demo-one-line
cp "$corpus"/check/seed-* "$corpus/check_normalised/"
{ echo "$at"; parts "$settings" "${demo_set[@]}"; } | seed plan demo
{ echo "$at"; parts "$repo/tests/golden/classic/settings.yaml" - - - - - -; } | seed plan paths-only
{ echo "$at"; parts "$corpus/settings/seed-inline-pem.yaml" - "$demo/nlb.key" "$demo/alb-client.crt" "$demo/alb-client.key" - -; } |
  seed plan inline
{ echo 0; parts "$corpus/settings/seed-hostile-values.yaml" "${demo_set[@]}"; } | seed plan hostile

for t in "$corpus"/*/; do
  printf '%-17s %3d seeds\n' "$(basename "$t")" "$(find "$t" -name 'seed-*' | wc -l)"
done
