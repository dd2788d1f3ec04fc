
# --- what every cluster script shares (generated) ---
STEP_NO=0
STEP_NAME=''
STEP_CHECK=''
CHANGED=0
DRY_REFUSED=0
WARNINGS=0

# step TITLE [WHAT TO CHECK WHEN IT FAILS]: announce the next step.
step() {
  STEP_NO=$((STEP_NO + 1))
  STEP_NAME=$1
  STEP_CHECK=${2:-}
  printf '\n==> [%s/%s] %s\n' "$STEP_NO" "$STEP_TOTAL" "$1"
}
ok() { printf '  ok: %s\n' "$*"; }
note() { printf '  note: %s\n' "$*"; }
warn() {
  printf '  WARN: %s\n' "$*"
  WARNINGS=$((WARNINGS + 1))
}
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# need TOOL...: stop early when a prerequisite is missing.
need() {
  local tool missing=''
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then missing="$missing $tool"; fi
  done
  if [ -n "$missing" ]; then die "required but not on PATH:$missing"; fi
}

# Every exit (success, failure, Ctrl-C, kill) removes the temporary folder, which may hold keys,
# and a failure names the step, says whether anything changed and what to check.
WORK_DIR=''
on_exit() {
  local rc=$?
  if [ -n "$WORK_DIR" ]; then rm -rf "$WORK_DIR"; fi
  if [ "$rc" -ne 0 ] && [ "$STEP_NO" -gt 0 ] && [ -n "$RERUN_NOTE" ]; then
    {
      printf '\n%s stopped at step %s/%s: %s.\n' "$SCRIPT_NAME" "$STEP_NO" "$STEP_TOTAL" "$STEP_NAME"
      if [ "$CHANGED" -eq 0 ]; then
        printf 'Nothing was changed in the cluster. '
      else
        printf 'The steps before it are done; nothing after it ran. '
      fi
      printf '%s\n' "$RERUN_NOTE"
      if [ -n "$STEP_CHECK" ]; then printf 'Check: %s\n' "$STEP_CHECK"; fi
    } >&2
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
umask 077
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/istio-alb.XXXXXX")"

# k ARGS...: kubectl on the chosen context (--context, else kubectl's current one).
KUBECTL=(kubectl)
if [ -n "$CONTEXT" ]; then KUBECTL+=(--context "$CONTEXT"); fi
k() { "${KUBECTL[@]}" "$@"; }

# change KUBECTL-ARGS...: one change to the cluster. Under --dry-run it is shown and sent with
# --dry-run=server: the API server validates it and runs admission, and stores nothing.
change() {
  local out
  if [ "$DRY_RUN" -eq 1 ]; then
    printf '  would run: kubectl'
    printf ' %q' "$@"
    printf '\n'
    if out="$(k "$@" --dry-run=server 2>&1)"; then
      printf '%s\n' "$out" | sed 's/^/    server: /'
    else
      printf '%s\n' "$out" | sed 's/^/    server REFUSED: /'
      DRY_REFUSED=$((DRY_REFUSED + 1))
    fi
    return 0
  fi
  CHANGED=1
  k "$@" | sed 's/^/  /'
}

# change_in NAMESPACE KUBECTL-ARGS...: a change to objects in NAMESPACE. A dry run cannot send it
# to the server when NAMESPACE is one install has yet to create (NEW_NAMESPACE): only shown then.
NEW_NAMESPACE=''
change_in() {
  local ns=$1
  shift
  if [ "$DRY_RUN" -eq 1 ] && [ -n "$NEW_NAMESPACE" ] && [ "$ns" = "$NEW_NAMESPACE" ]; then
    printf '  would run: kubectl'
    printf ' %q' "$@"
    printf '\n    (not sent to the server: namespace %s does not exist yet)\n' "$ns"
    return 0
  fi
  change "$@"
}

# check_cluster: kubectl must talk to the bundle's cluster. IBM Cloud names the kubeconfig cluster
# and context CLUSTER or CLUSTER/ID (ibmcloud ks cluster config --cluster CLUSTER).
is_cluster() {
  case "$1" in
    "$CLUSTER_NAME" | "$CLUSTER_NAME"/*) return 0 ;;
    *) return 1 ;;
  esac
}
check_cluster() {
  local view context cluster server
  if ! view="$(k config view --minify -o 'jsonpath={.contexts[0].name}{"|"}{.contexts[0].context.cluster}{"|"}{.clusters[0].cluster.server}' 2>&1)" || [ -z "$view" ]; then
    die "kubectl has no usable context${CONTEXT:+ named $CONTEXT} (${view:-none}). Select the cluster with: ibmcloud ks cluster config --cluster $CLUSTER_NAME"
  fi
  IFS='|' read -r context cluster server <<<"$view"
  if is_cluster "$cluster" || is_cluster "$context"; then
    ok "context $context, cluster $cluster ($server)"
  else
    die "kubectl's context $context is cluster ${cluster:-?} ($server), not $CLUSTER_NAME. Nothing was changed. Select it with: ibmcloud ks cluster config --cluster $CLUSTER_NAME, or pass --context CONTEXT (kubectl config get-contexts lists them)."
  fi
}
