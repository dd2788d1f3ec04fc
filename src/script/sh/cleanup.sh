
# --- cleanup: by label, in reverse install order (generated) ---
SELECTOR='{{BUNDLE_LABEL}}='"$BUNDLE_ID"
PLAN="$WORK_DIR/plan"
: >"$PLAN"

# collect RESOURCE NAMESPACE: plans the deletion of every RESOURCE in NAMESPACE that carries this
# bundle's label.
collect() {
  local objs obj
  if ! objs="$(k get "$1" -n "$2" -l "$SELECTOR" -o name 2>"$WORK_DIR/get.err")"; then
    cat "$WORK_DIR/get.err" >&2
    return 1
  fi
  while read -r obj; do
    if [ -n "$obj" ]; then printf 'delete|%s|%s\n' "$2" "$obj" >>"$PLAN"; fi
  done <<<"$objs"
}

# collect_backups RESOURCE NAMESPACE: plans putting back what install backed up there, unless
# someone replaced this bundle's object since (then the backup stays where it is).
collect_backups() {
  local file name who
  for file in "$BUNDLE_DIR/backups/$1_$2_"*.yaml; do
    [ -f "$file" ] || continue
    name="${file##*_}"
    name="${name%.yaml}"
    who="$(k get "$1" "$name" -n "$2" --ignore-not-found -o 'jsonpath={.metadata.name}{"|"}{.metadata.labels.{{BUNDLE_LABEL}}}')"
    case "$who" in
      '' | *"|$BUNDLE_ID") printf 'restore|%s|%s\n' "$2" "$file" >>"$PLAN" ;;
      *) printf 'stale|%s|%s\n' "$2" "$file" >>"$PLAN" ;;
    esac
  done
}

# collect_namespace NAMESPACE RESOURCES: plans deleting the namespace when install created it and
# it holds nothing but this bundle's objects; else plans restoring its label from the backup.
collect_namespace() {
  local ns=$1 labels others label_backup
  labels="$(k get namespace "$ns" --ignore-not-found -o 'jsonpath={.metadata.name}{"|"}{.metadata.labels.{{BUNDLE_LABEL}}}')"
  label_backup="$BUNDLE_DIR/backups/namespaces__${ns}_{{INJECTION_LABEL}}.label"
  if [ -z "$labels" ]; then return 0; fi
  if [ "$labels" = "$ns|$BUNDLE_ID" ]; then
    # Anything without this bundle's label, but what Kubernetes and Istio put in every namespace.
    if ! others="$(k get "$2" -n "$ns" -l '{{BUNDLE_LABEL}}!='"$BUNDLE_ID" -o name 2>"$WORK_DIR/get.err")"; then
      cat "$WORK_DIR/get.err" >&2
      return 1
    fi
    others="$(grep -vxE 'configmap/(kube-root-ca\.crt|istio-ca-root-cert)|serviceaccount/default|secret/default-token-[a-z0-9]+' <<<"$others" || true)"
    if [ -z "$others" ]; then
      printf 'delete||namespace/%s\n' "$ns" >>"$PLAN"
    else
      printf 'keepns|%s|%s\n' "$ns" "$(tr '\n' ' ' <<<"$others")" >>"$PLAN"
    fi
  elif [ -f "$label_backup" ]; then
    printf 'label|%s|%s\n' "$ns" "$label_backup" >>"$PLAN"
  fi
}

# show_plan: exactly what cleanup.sh will do, in order.
show_plan() {
  local action ns what
  while IFS='|' read -r action ns what; do
    case "$action" in
      delete) printf '  delete   %s%s\n' "$what" "${ns:+ in $ns}" ;;
      restore) printf '  restore  %s (the object install replaced or retired)\n' "${what#"$BUNDLE_DIR"/}" ;;
      stale) printf '  keep     %s: its object was changed by someone after install; not restored\n' "${what#"$BUNDLE_DIR"/}" ;;
      label) printf '  relabel  namespace %s: %s, as before install\n' "$ns" "$(<"$what")" ;;
      keepns) printf '  keep     namespace %s: install created it, but it also holds %s\n' "$ns" "$what" ;;
    esac
  done <"$PLAN"
}

# run_plan: does it, in order; a restored backup moves to backups/restored/.
run_plan() {
  local action ns what
  while IFS='|' read -r action ns what <&3; do
    case "$action" in
      delete)
        if [ -n "$ns" ]; then
          change delete "$what" -n "$ns" --ignore-not-found=true
        else
          change delete "$what" --ignore-not-found=true
        fi
        ;;
      restore)
        change apply -f "$what"
        if [ "$DRY_RUN" -eq 0 ]; then
          mkdir -p "$BUNDLE_DIR/backups/restored"
          mv "$what" "$BUNDLE_DIR/backups/restored/"
        fi
        ;;
      label)
        change label namespace "$ns" "$(<"$what")" --overwrite
        if [ "$DRY_RUN" -eq 0 ]; then
          mkdir -p "$BUNDLE_DIR/backups/restored"
          mv "$what" "$BUNDLE_DIR/backups/restored/"
        fi
        ;;
    esac
  done 3<"$PLAN"
}
