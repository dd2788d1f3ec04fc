
# --- writing secrets (generated) ---
# secret_json NAME TYPE DIR KEY...: the Secret in $GATEWAY_NAMESPACE as JSON, with this bundle's
# labels and annotation (the scripts' one writer of secrets).
secret_json() {
  local name=$1 type=$2 dir=$3 key sep=''
  shift 3
  printf '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"%s","namespace":"%s",' "$name" "$GATEWAY_NAMESPACE"
  printf '"labels":{"{{MANAGED_BY_LABEL}}":"{{MANAGED_BY}}","{{BUNDLE_LABEL}}":"%s"},' "$BUNDLE_ID"
  printf '"annotations":{"{{BUNDLE_LABEL}}":"%s"}},"type":"%s","data":{' "$BUNDLE_DESCRIPTION" "$type"
  for key in "$@"; do
    printf '%s"%s":"%s"' "$sep" "$key" "$(file_b64 "$dir/$key")"
    sep=','
  done
  printf '}}\n'
}

# plan_secret NAME TYPE [ROLE KEY SOURCE]...: decides what the secret NAME in $GATEWAY_NAMESPACE
# becomes, reading only. ROLE is leaf (a certificate, leaf first), key:LEAF (the private key of
# that leaf) or ca. A leaf already in the cluster that expires later than its source is kept,
# with its key: a certificate is never replaced by an older one. The result goes to
# $WORK_DIR/new/NAME; $WORK_DIR/plan/NAME says create, update or unchanged.
plan_secret() {
  local name=$1 type=$2 cur new role key src i leaf kept=' ' differs=0 action
  local parts keys
  shift 2
  parts=("$@")
  keys=()
  cur="$WORK_DIR/cur/$name"
  new="$WORK_DIR/new/$name"
  rm -rf "$new"
  mkdir -p "$new"
  if [ ! -d "$WORK_DIR/plan" ]; then mkdir "$WORK_DIR/plan"; fi
  i=0
  while [ "$i" -lt "${#parts[@]}" ]; do
    keys+=("${parts[$((i + 1))]}")
    i=$((i + 3))
  done
  action=create
  if read_secret "$GATEWAY_NAMESPACE" "$name" "$cur" "${keys[@]}"; then
    if [ "$SECRET_OWNER" != "$BUNDLE_ID" ]; then
      die "secret $GATEWAY_NAMESPACE/$name exists and was not created by this bundle (${SECRET_OWNER:-no istio-alb label}): not overwritten"
    fi
    action=update
  fi
  i=0
  while [ "$i" -lt "${#parts[@]}" ]; do
    role=${parts[$i]} key=${parts[$((i + 1))]} src=${parts[$((i + 2))]}
    if [ ! -s "$src" ]; then die "$name/$key: nothing to put there ($src is empty)"; fi
    case "$role" in
      leaf)
        if same_pem "$cur/$key" "$src"; then
          cp "$cur/$key" "$new/$key"
          kept="$kept$key "
        elif [ -s "$cur/$key" ] && later "$cur/$key" "$src"; then
          cp "$cur/$key" "$new/$key"
          kept="$kept$key "
          note "$name/$key: the cluster holds a later certificate (until $(enddate "$cur/$key")) than this one (until $(enddate "$src")): kept"
        else
          cp "$src" "$new/$key"
        fi
        ;;
      key:*)
        leaf=${role#key:}
        case "$kept" in
          *" $leaf "*) cp "$cur/$key" "$new/$key" 2>/dev/null || die "$name/$key: the kept certificate has no key" ;;
          *) cp "$src" "$new/$key" ;;
        esac
        if same_file "$new/$leaf" "$cur/$leaf" && same_file "$new/$key" "$cur/$key"; then
          : # the pair the cluster holds, checked when it was written
        elif ! is_cert "$new/$leaf"; then
          die "$name/$leaf: not a readable certificate"
        elif ! same_key "$new/$leaf" "$new/$key"; then
          die "$name/$key: the private key does not belong to the certificate in $leaf: refusing to write a secret the gateway or ALB cannot load"
        fi
        ;;
      *)
        if same_pem "$cur/$key" "$src"; then cp "$cur/$key" "$new/$key"; else cp "$src" "$new/$key"; fi
        ;;
    esac
    if ! same_file "$new/$key" "$cur/$key"; then differs=1; fi
    i=$((i + 3))
  done
  if [ "$action" = update ] && [ "$differs" -eq 0 ]; then action=unchanged; fi
  printf '%s %s %s\n' "$action" "$type" "${keys[*]}" >"$WORK_DIR/plan/$name"
  case "$action" in
    unchanged) ok "$name: unchanged" ;;
    create) ok "$name: will be created" ;;
    *) ok "$name: will be updated" ;;
  esac
}

# apply_secret NAME: writes the planned secret when it changed, counted in SECRETS_WRITTEN.
# (Never call it in an `if` or with `||`: bash would ignore a failing kubectl inside.)
SECRETS_WRITTEN=0
apply_secret() {
  local action type keys
  read -r action type keys <"$WORK_DIR/plan/$1"
  if [ "$action" = unchanged ]; then
    ok "$1: unchanged"
    return 0
  fi
  # shellcheck disable=SC2086 # the keys are one word each
  secret_json "$1" "$type" "$WORK_DIR/new/$1" $keys >"$WORK_DIR/$1.json"
  change apply --server-side --force-conflicts --field-manager=istio-alb -f "$WORK_DIR/$1.json"
  SECRETS_WRITTEN=$((SECRETS_WRITTEN + 1))
}
