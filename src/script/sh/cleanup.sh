
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

# collect_namespace NAMESPACE: plans deleting the namespace when install created it and it
# holds nothing but this bundle's objects, else plans restoring its label from the backup. Every
# namespaced kind the API server lists is asked (a NetworkPolicy, Role or custom resource that
# someone added counts, whatever its kind), but Events, what Kubernetes and Istio put in every
# namespace, and objects that have an owner (they go with it, and the owner is asked itself).
collect_namespace() {
  local ns=$1 labels others kinds label_backup
  labels="$(k get namespace "$ns" --ignore-not-found -o 'jsonpath={.metadata.name}{"|"}{.metadata.labels.{{BUNDLE_LABEL}}}')"
  label_backup="$BUNDLE_DIR/backups/namespaces__${ns}_{{INJECTION_LABEL}}.label"
  if [ -z "$labels" ]; then return 0; fi
  if [ "$labels" = "$ns|$BUNDLE_ID" ]; then
    if ! kinds="$(k api-resources --verbs=list --namespaced -o name 2>"$WORK_DIR/get.err")"; then
      cat "$WORK_DIR/get.err" >&2
      return 1
    fi
    kinds="$(grep -vxE 'events|events\.events\.k8s\.io' <<<"$kinds" | tr '\n' ',')"
    if ! others="$(k get "${kinds%,}" -n "$ns" -l '{{BUNDLE_LABEL}}!='"$BUNDLE_ID" \
      -o 'jsonpath={range .items[*]}{.kind}/{.metadata.name}{"|"}{.metadata.ownerReferences[*].kind}{"\n"}{end}' \
      2>"$WORK_DIR/get.err")"; then
      cat "$WORK_DIR/get.err" >&2
      return 1
    fi
    others="$(awk -F'|' '$1 != "" && $2 == "" { print $1 }' <<<"$others" |
      grep -vxE 'ConfigMap/(kube-root-ca\.crt|istio-ca-root-cert)|ServiceAccount/default|Secret/default-token-[a-z0-9]+' || true)"
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
