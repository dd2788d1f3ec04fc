
# --- certificates and secrets (generated) ---
# Base64 through openssl: base64's own flags differ between Linux and macOS.
b64_file() { printf '%s' "$1" | openssl base64 -d -A >"$2" 2>/dev/null || true; }
file_b64() { openssl base64 -A <"$1"; }

# first_cert FILE OUT: the first certificate of FILE (the leaf of a chain).
first_cert() {
  awk '/-----BEGIN CERTIFICATE-----/ { n++ } n == 1 { print } /-----END CERTIFICATE-----/ && n == 1 { exit }' "$1" >"$2"
}
# facts FILE: subject, serial, dates, fingerprint and public key of FILE's first certificate, from
# one openssl call per file (openssl is slow to start), kept in $WORK_DIR while newer than FILE.
# Empty when FILE holds no readable certificate.
facts() {
  local cache="$WORK_DIR/facts/${1//\//_}"
  if [ ! "$cache" -nt "$1" ]; then
    if [ ! -d "$WORK_DIR/facts" ]; then mkdir "$WORK_DIR/facts"; fi
    openssl x509 -inform PEM -noout -subject -serial -startdate -enddate -fingerprint -sha256 -pubkey -in "$1" >"$cache" 2>/dev/null || : >"$cache"
  fi
  printf '%s\n' "$(<"$cache")"
}
# same_file A B: the same text (bash only: no process for small files).
same_file() { [ -f "$1" ] && [ -f "$2" ] && [ "$(<"$1")" = "$(<"$2")" ]; }
is_cert() { [ -n "$(facts "$1")" ]; }
is_key() { openssl pkey -noout -in "$1" -passin pass: >/dev/null 2>&1; }

# same_key CERT KEY: the private key belongs to the (first) certificate: public keys compared
# (normalised by openssl pkey when the two texts differ).
same_key() {
  local cert_pub key_pub
  cert_pub="$(facts "$1" | sed -n '/-----BEGIN PUBLIC KEY-----/,/-----END PUBLIC KEY-----/p')"
  key_pub="$(openssl pkey -in "$2" -passin pass: -pubout 2>/dev/null || true)"
  if [ -n "$cert_pub" ] && [ "$cert_pub" != "$key_pub" ]; then
    cert_pub="$(printf '%s\n' "$cert_pub" | openssl pkey -pubin -pubout 2>/dev/null || true)"
  fi
  [ -n "$cert_pub" ] && [ "$cert_pub" = "$key_pub" ]
}

# cert_times FILE: "NOTBEFORE NOTAFTER" of the first certificate in Unix seconds (portable: no
# GNU or BSD date parsing; days from the civil date as in Howard Hinnant's algorithm).
cert_times() {
  facts "$1" | awk -F= '
    function epoch(s,   p, t, y, m, d, era, yoe, doy, doe) {
      split(s, p, " ")
      m = (index("JanFebMarAprMayJunJulAugSepOctNovDec", p[1]) + 2) / 3
      d = p[2]
      split(p[3], t, ":")
      y = p[4] - (m <= 2)
      era = int(y / 400)
      yoe = y - era * 400
      doy = int((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1
      doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
      return (era * 146097 + doe - 719468) * 86400 + t[1] * 3600 + t[2] * 60 + t[3]
    }
    /^notBefore=/ { nb = epoch($2) }
    /^notAfter=/ { na = epoch($2) }
    END { if (na > 0) printf "%.0f %.0f\n", nb, na }'
}
enddate() { facts "$1" | sed -n 's/^notAfter=//p'; }
# serial FILE: lower-case hex without leading zeros (as Envoy shows it).
serial() { facts "$1" | sed -n 's/^serial=0*//p' | tr 'A-F' 'a-f'; }

# same_pem A B: the same PEM blocks, whatever the line endings, indentation or text around them.
pem_blocks() {
  tr -d '\r' <"$1" | awk '/-----BEGIN / { on = 1 } on { gsub(/^[ \t]+|[ \t]+$/, ""); print } /-----END / { on = 0 }'
}
same_pem() {
  [ -s "$1" ] && [ -s "$2" ] && [ "$(pem_blocks "$1")" = "$(pem_blocks "$2")" ]
}

# later A B: A's first certificate expires after B's.
later() {
  local a b
  a="$(cert_times "$1")"
  b="$(cert_times "$2")"
  [ -n "$a" ] && [ -n "$b" ] && [ "${a#* }" -gt "${b#* }" ]
}

# lifetime FILE: "DAYS_LEFT STATE" of the first certificate; STATE is ok, renew (the last third
# of its lifetime has begun, when Let's Encrypt advises renewing) or expired.
lifetime() {
  local times now
  times="$(cert_times "$1")"
  now="$(date -u +%s)"
  if [ -z "$times" ]; then
    echo "0 unreadable"
    return 0
  fi
  awk -v nb="${times% *}" -v na="${times#* }" -v now="$now" 'BEGIN {
    left = na - now
    printf "%d %s\n", int(left / 86400), (left <= 0 ? "expired" : (left * 3 <= na - nb ? "renew" : "ok"))
  }'
}

# covers FILE HOST: a DNS subjectAltName of the first certificate is HOST, or a wildcard for
# HOST's first label (RFC 6125: only subjectAltName counts, one label deep).
covers() {
  openssl x509 -inform PEM -noout -text -in "$1" 2>/dev/null | awk -v host="$2" '
    BEGIN { host = tolower(host); parent = substr(host, index(host, ".")) }
    found_san { n = split($0, parts, ","); for (i = 1; i <= n; i++) { s = parts[i]; gsub(/^[ \t]+|[ \t]+$/, "", s); if (s ~ /^DNS:/) { name = tolower(substr(s, 5)); if (name == host || (substr(name, 1, 2) == "*." && substr(name, 2) == parent)) hit = 1 } } found_san = 0 }
    /X509v3 Subject Alternative Name/ { found_san = 1 }
    END { exit !hit }'
}

# for_purpose FILE server|client: the certificate may be used for TLS server/client auth.
for_purpose() {
  local want
  case "$2" in
    server) want='SSL server : Yes' ;;
    *) want='SSL client : Yes' ;;
  esac
  openssl x509 -inform PEM -noout -purpose -in "$1" 2>/dev/null | grep -q "^$want"
}

# read_secret NAMESPACE NAME DIR KEY...: the data keys of a secret, decoded into DIR/KEY (a key
# it lacks: no file), in one kubectl call. Returns 1 when the secret does not exist; sets
# SECRET_OWNER to its istio-alb/bundle label. A failing kubectl ends the script: an API error is
# never taken for "absent" (callers test it in an `if`, where bash's -e does not apply).
SECRET_OWNER=''
read_secret() {
  local ns=$1 name=$2 dir=$3 path out key i
  local fields
  shift 3
  path='{.metadata.name}{"|"}{.metadata.labels.{{BUNDLE_LABEL}}}'
  for key in "$@"; do path="$path{\"|\"}{.data.${key//./\\.}}"; done
  if ! out="$(k get secret "$name" -n "$ns" --ignore-not-found -o "jsonpath=$path" 2>"$WORK_DIR/read.err")"; then
    die "cannot read secret $ns/$name: $(head -n 3 "$WORK_DIR/read.err")"
  fi
  if [ -z "$out" ]; then return 1; fi
  rm -rf "$dir"
  mkdir -p "$dir"
  IFS='|' read -r -a fields <<<"$out"
  SECRET_OWNER="${fields[1]:-}"
  i=2
  for key in "$@"; do
    if [ -n "${fields[$i]:-}" ]; then b64_file "${fields[$i]}" "$dir/$key"; fi
    i=$((i + 1))
  done
  return 0
}

# read_ibm_secret NAME DIR NAMESPACE...: IBM's TLS secret NAME (tls.crt, tls.key) from the first
# of the namespaces that holds one this bundle did not create; sets FOUND_NS.
FOUND_NS=''
read_ibm_secret() {
  local name=$1 dir=$2 ns
  shift 2
  for ns in "$@"; do
    if [ -n "$ns" ] && read_secret "$ns" "$name" "$dir" tls.crt tls.key && [ "$SECRET_OWNER" != "$BUNDLE_ID" ]; then
      FOUND_NS=$ns
      return 0
    fi
  done
  return 1
}

# check_pair WHAT CERT KEY: a readable certificate and the private key that belongs to it.
check_pair() {
  if same_key "$2" "$3"; then return 0; fi
  if ! is_cert "$2"; then die "$1: no readable certificate"; fi
  if ! is_key "$3"; then die "$1: no readable private key"; fi
  die "$1: the private key does not belong to the certificate"
}

# loaded_file_serial POD PATH: the serial Envoy's /certs shows for the file-mounted PATH.
loaded_file_serial() {
  k exec -n "$GATEWAY_NAMESPACE" "$1" -c istio-proxy -- curl -s 127.0.0.1:15000/certs 2>/dev/null |
    tr ',{}[]' '\n' | awk -v want="$2" '
      /"path": *"/ { v = $0; sub(/.*"path": *"/, "", v); sub(/".*/, "", v); cur = v; next }
      /"serial_number": *"/ && cur == want && !done { v = $0; sub(/.*"serial_number": *"/, "", v); sub(/".*/, "", v); sub(/^0+/, "", v); print tolower(v); done = 1 }' || true
}
