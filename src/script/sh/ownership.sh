
# --- ownership: what this bundle created, and what it found (generated) ---
# inventory NAMESPACE RESOURCES: kind, name and istio-alb/bundle label of every object of those
# resources in NAMESPACE (one kubectl call), into $WORK_DIR/inventory/NAMESPACE.
inventory() {
  if [ ! -d "$WORK_DIR/inventory" ]; then mkdir "$WORK_DIR/inventory"; fi
  if ! k get "$2" -n "$1" -o 'jsonpath={range .items[*]}{.kind}{"|"}{.metadata.name}{"|"}{.metadata.labels.{{BUNDLE_LABEL}}}{"\n"}{end}' >"$WORK_DIR/inventory/$1" 2>"$WORK_DIR/inventory.err"; then
    cat "$WORK_DIR/inventory.err" >&2
    return 1
  fi
}

# owner NAMESPACE KIND NAME: absent, ours, foreign (no istio-alb label) or other:ID (another
# istio-alb bundle).
owner() {
  awk -F'|' -v kind="$2" -v name="$3" -v me="$BUNDLE_ID" '
    $1 == kind && $2 == name { found = 1; label = $3 }
    END {
      if (!found) print "absent"
      else if (label == me) print "ours"
      else if (label == "") print "foreign"
      else print "other:" label
    }' "$WORK_DIR/inventory/${1:-_cluster}"
}

# backup_file RESOURCE NAMESPACE NAME: where the object's backup lives.
backup_file() { printf '%s/backups/%s_%s_%s.yaml' "$BUNDLE_DIR" "$1" "$2" "$3"; }

# backup RESOURCE NAMESPACE NAME: saves someone else's object before install replaces or deletes
# it, without the fields the API server sets, so that cleanup.sh can put it back. An existing
# backup is kept: it is the original.
backup() {
  local file
  file="$(backup_file "$1" "$2" "$3")"
  if [ -f "$file" ]; then
    note "backup ${file#"$BUNDLE_DIR"/} exists already (kept: it is the original)"
    return 0
  fi
  if [ "$DRY_RUN" -eq 1 ]; then
    note "would back up $1 $2/$3 to ${file#"$BUNDLE_DIR"/}"
    return 0
  fi
  mkdir -p "$BUNDLE_DIR/backups"
  k get "$1" "$3" -n "$2" -o yaml | awk '
    /^[^ ]/ { meta = ($0 == "metadata:"); skip = ($0 == "status:"); drop = 0 }
    skip { next }
    meta && /^  (resourceVersion|uid|creationTimestamp|generation|selfLink|managedFields):/ { drop = 1; next }
    meta && drop && /^(   |  - )/ { next }
    /^  [^ -]/ { drop = 0 }
    { print }' >"$file.tmp"
  mv "$file.tmp" "$file"
  note "backed up $1 $2/$3 to ${file#"$BUNDLE_DIR"/}"
}

# decide_file FILE POLICY [RESOURCE KIND NAMESPACE NAME]...: what install does with the objects
# of one manifest file, from their owners; the decision goes to $WORK_DIR/decision/FILE-NAME:
# apply, replace (someone else's objects backed up first), keep (left as they are) or share.
REFUSED=''
decide_file() {
  local file=$1 policy=$2 action=apply resource kind ns name who at
  shift 2
  if [ ! -d "$WORK_DIR/decision" ]; then mkdir "$WORK_DIR/decision"; fi
  : >"$WORK_DIR/decision/${file##*/}.foreign"
  while [ "$#" -ge 4 ]; do
    resource=$1 kind=$2 ns=$3 name=$4
    shift 4
    at="${ns:+$ns/}$name"
    who="$(owner "$ns" "$kind" "$name")"
    case "$who" in
      absent) ok "$kind $at: absent, will be created" ;;
      ours) ok "$kind $at: created by this bundle, will be updated" ;;
      other:*)
        REFUSED="$REFUSED
  $kind $at belongs to another istio-alb bundle (${who#other:}): run that bundle's cleanup.sh first"
        ;;
      *)
        case "$policy" in
          refuse)
            REFUSED="$REFUSED
  $kind $at exists and was not created by istio-alb: it may hold keys other gateways or Ingresses use. Delete it, or let this bundle own it: kubectl label $resource $name ${ns:+-n $ns }{{MANAGED_BY_LABEL}}={{MANAGED_BY}} {{BUNDLE_LABEL}}=$BUNDLE_ID"
            ;;
          keep)
            note "$kind $at exists and was not created by istio-alb: used as it is, never changed or deleted by these scripts"
            action=keep
            ;;
          backup)
            note "$kind $at exists and was not created by istio-alb: it will be backed up and replaced; cleanup.sh puts it back"
            printf '%s %s %s\n' "$resource" "$ns" "$name" >>"$WORK_DIR/decision/${file##*/}.foreign"
            if [ "$action" = apply ]; then action=replace; fi
            ;;
          *)
            note "$kind $at exists and was not created by istio-alb: kept (never deleted by cleanup.sh); only the {{INJECTION_LABEL}} label is set, its old value backed up"
            action=share
            ;;
        esac
        ;;
    esac
  done
  printf '%s\n' "$action" >"$WORK_DIR/decision/${file##*/}"
}

# refuse_if_any: ends the ownership check when an object cannot be taken over (nothing changed).
refuse_if_any() {
  if [ -n "$REFUSED" ]; then
    die "install.sh does not take over these objects:$REFUSED"
  fi
}

# backup_decided FILE: backs up the objects of FILE that will be replaced.
backup_decided() {
  local resource ns name
  while read -r resource ns name; do
    backup "$resource" "$ns" "$name"
  done <"$WORK_DIR/decision/${1##*/}.foreign"
}

# apply_file FILE NAMESPACE [AS]: applies one manifest as decided (kubectl replace for someone
# else's object, so that none of its old fields linger); AS is a rewritten copy to send instead.
apply_file() {
  local path="${3:-$BUNDLE_DIR/$1}"
  case "$(<"$WORK_DIR/decision/${1##*/}")" in
    keep) ok "kept as it is: $1 not applied (its objects exist and are not istio-alb's)" ;;
    replace) change_in "$2" replace --save-config -f "$path" ;;
    *) change_in "$2" apply -f "$path" ;;
  esac
}
