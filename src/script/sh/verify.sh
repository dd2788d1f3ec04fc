
# --- verification (generated) ---
FAILS=0
CHECKS=0
# pass WHAT / bad WHAT NEXT / soft WHAT NEXT: one check's verdict, ok / FAIL / WARN, with the
# next step to take.
pass() {
  CHECKS=$((CHECKS + 1))
  ok "$1"
}
bad() {
  CHECKS=$((CHECKS + 1))
  FAILS=$((FAILS + 1))
  printf '  FAIL: %s\n' "$1"
  if [ -n "${2:-}" ]; then printf '        next: %s\n' "$2"; fi
}
soft() {
  CHECKS=$((CHECKS + 1))
  warn "$1"
  if [ -n "${2:-}" ]; then printf '        next: %s\n' "$2"; fi
}

# check_dates WHAT FILE: days left against the renewal window (the last third of the lifetime).
check_dates() {
  local days state
  read -r days state <<<"$(lifetime "$2")"
  case "$state" in
    ok) pass "$1: valid for $days more day(s), until $(enddate "$2")" ;;
    renew) soft "$1: $days day(s) left, in the last third of its lifetime (renew at about two thirds)" "run renew.sh (IBM renews its own certificates before they expire; the copies follow only with renew.sh)" ;;
    expired) bad "$1: expired on $(enddate "$2")" "run renew.sh; if IBM's certificate expired too, see ibmcloud ks nlb-dns ls --cluster $CLUSTER_NAME" ;;
    *) bad "$1: not a readable certificate" "run renew.sh or install.sh" ;;
  esac
}

# check_secret NAME [ROLE KEY]...: the secret exists, is this bundle's, and each key parses; a
# leaf (leaf:server or leaf:client) is valid for its purpose and not due for renewal, a key
# belongs to its leaf, a ca holds CA certificates. Decoded into $WORK_DIR/s/NAME. IBM_KEPT names
# IBM's own secret, which is not this bundle's and need not be.
check_secret() {
  local name=$1 dir="$WORK_DIR/s/$1" role key i=0 parts keys
  shift
  parts=("$@")
  keys=()
  while [ "$i" -lt "${#parts[@]}" ]; do
    keys+=("${parts[$((i + 1))]}")
    i=$((i + 2))
  done
  if ! read_secret "$GATEWAY_NAMESPACE" "$name" "$dir" "${keys[@]}"; then
    bad "secret $GATEWAY_NAMESPACE/$name does not exist" "run install.sh"
    return 0
  fi
  if [ "$SECRET_OWNER" = "$BUNDLE_ID" ]; then
    pass "secret $name exists, created by this bundle"
  elif [ "$name" = "${IBM_KEPT:-}" ]; then
    pass "secret $name exists: IBM's own, which IBM renews in place"
  else
    soft "secret $name exists but carries no label of this bundle (${SECRET_OWNER:-none})" "install.sh refuses such secrets: was it replaced by hand?"
  fi
  i=0
  while [ "$i" -lt "${#parts[@]}" ]; do
    role=${parts[$i]} key=${parts[$((i + 1))]}
    i=$((i + 2))
    if [ ! -s "$dir/$key" ]; then
      bad "$name/$key is missing or empty" "run install.sh (the secret lacks a key the gateway or ALB needs)"
      continue
    fi
    case "$role" in
      leaf:*)
        if ! is_cert "$dir/$key"; then
          bad "$name/$key is not a certificate" "run renew.sh or install.sh"
          continue
        fi
        if for_purpose "$dir/$key" "${role#leaf:}"; then
          pass "$name/$key: $(facts "$dir/$key" | sed -n 's/^subject= *//p'), for TLS ${role#leaf:} authentication"
        else
          bad "$name/$key may not be used for TLS ${role#leaf:} authentication (extendedKeyUsage)" "issue a certificate with the ${role#leaf:}Auth usage"
        fi
        check_dates "$name/$key" "$dir/$key"
        ;;
      key:*)
        if ! is_key "$dir/$key"; then
          bad "$name/$key is not a readable private key" "run install.sh"
        elif same_key "$dir/${role#key:}" "$dir/$key"; then
          pass "$name/$key belongs to the certificate in ${role#key:}"
        else
          bad "$name/$key does not belong to the certificate in ${role#key:}" "run renew.sh (it writes matching pairs only) or install.sh"
        fi
        ;;
      *)
        if is_cert "$dir/$key" && openssl x509 -inform PEM -noout -text -in "$dir/$key" 2>/dev/null | grep -q 'CA:TRUE'; then
          pass "$name/$key: CA $(facts "$dir/$key" | sed -n 's/^subject= *//p')"
          check_dates "$name/$key" "$dir/$key"
        else
          bad "$name/$key is not a CA certificate" "run install.sh"
        fi
        ;;
    esac
  done
}

# same_cert A B: the first certificates of A and B are the same.
same_cert() {
  local a
  a="$(facts "$1" | grep -i fingerprint)"
  [ -n "$a" ] && [ "$a" = "$(facts "$2" | grep -i fingerprint)" ]
}

# check_copy WHAT COPY SOURCE: a copy made of IBM's certificate holds IBM's current one.
check_copy() {
  if [ ! -s "$2" ] || [ ! -s "$3" ]; then return 0; fi
  if same_cert "$2" "$3"; then
    pass "$1 holds IBM's current certificate"
  elif later "$3" "$2"; then
    soft "$1 holds an older certificate than IBM's (IBM's is valid until $(enddate "$3"))" "run renew.sh"
  else
    soft "$1 differs from IBM's certificate (expected only when you use a certificate of your own)" "run renew.sh to use IBM's"
  fi
}

# loaded_secret POD NAME: the certificate the gateway's Envoy holds as SDS secret NAME, from its
# config_dump (dynamic_active_secrets), decoded into $WORK_DIR/loaded.pem; 1 when absent.
loaded_secret() {
  local b64
  b64="$(k exec -n "$GATEWAY_NAMESPACE" "$1" -c istio-proxy -- pilot-agent request GET 'config_dump?resource=dynamic_active_secrets' 2>/dev/null |
    tr ',{}[]' '\n' | awk -v want="kubernetes://$2" '
      /"name": *"/ { v = $0; sub(/.*"name": *"/, "", v); sub(/".*/, "", v); cur = v; next }
      /"inline_bytes": *"/ && cur == want && !done { v = $0; sub(/.*"inline_bytes": *"/, "", v); sub(/".*/, "", v); print v; done = 1 }')" || true
  rm -f "$WORK_DIR/loaded.pem"
  if [ -z "$b64" ]; then return 1; fi
  b64_file "$b64" "$WORK_DIR/loaded.pem"
  is_cert "$WORK_DIR/loaded.pem"
}

# request URL CURL-ARGS...: sets CODE (HTTP status, 000 for none), RC (curl's exit code) and
# ERR (curl's message).
request() {
  local url=$1
  shift
  RC=0
  CODE="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 20 "$@" "$url" 2>"$WORK_DIR/curl.err")" || RC=$?
  ERR="$(head -n 1 "$WORK_DIR/curl.err")"
}

# answered_as_expected CODE: the expected status (or any non-5xx answer when none is set).
answered_as_expected() {
  if [ -n "$EXPECT_STATUS" ]; then [ "$1" = "$EXPECT_STATUS" ]; else [ "$1" != 000 ] && [ "${1:0:1}" != 5 ]; fi
}
