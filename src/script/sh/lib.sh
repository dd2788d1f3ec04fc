# Functions shared by the bundle's scripts (sourced once by each, after nothing else and before
# settings.sh). It defines functions and empty globals only: nothing runs until a script's main.
# The same file for every bundle; what differs between bundles is in settings.sh.
# Bash 3.2 and BSD compatible.
# The settings come from settings.sh, and the values functions set are for the scripts to read:
# shellcheck shell=bash disable=SC2154,SC2034

# --- command-line flags ---
DRY_RUN=0
CONTEXT=''
ALB_SECRET_NS=''
SKIP_PREFLIGHT=0
FORCE_CONFLICTS=0
FORCE_CLIENT=0
ASSUME_YES=0
DELETE_OLD_INGRESS=0
TIMEOUT=300

# parse_args USAGE ARGS...: the flags USAGE lists ("[--dry-run] [--context CONTEXT] ..."), as
# --flag, --flag VALUE or --flag=VALUE. NLB_SECRET_NS keeps the settings' value unless given.
parse_args() {
  local usage=$1 flag value
  shift
  while [ "$#" -gt 0 ]; do
    flag=${1%%=*}
    case "$1" in
      -h | --help)
        printf 'Usage: %s\n' "$usage"
        exit 0
        ;;
    esac
    case "$usage" in
      *"[$1]"*) value=1 ;;
      *"[$flag "*)
        if [ "$flag" != "$1" ]; then
          value=${1#*=}
        elif [ "$#" -ge 2 ]; then
          value=$2
          shift
        else
          echo "$flag needs a value (see --help)" >&2
          exit 2
        fi
        ;;
      *)
        echo "unknown argument: $1 (see --help)" >&2
        exit 2
        ;;
    esac
    case "$flag" in
      --dry-run) DRY_RUN=1 ;;
      --context) CONTEXT=$value ;;
      --secret-namespace) NLB_SECRET_NS=$value ;;
      --alb-secret-namespace) ALB_SECRET_NS=$value ;;
      --skip-preflight) SKIP_PREFLIGHT=1 ;;
      --force-conflicts) FORCE_CONFLICTS=1 ;;
      --force-client) FORCE_CLIENT=1 ;;
      --yes) ASSUME_YES=1 ;;
      --delete-old-ingress) DELETE_OLD_INGRESS=1 ;;
      --timeout) TIMEOUT=$value ;;
    esac
    shift
  done
  case "$TIMEOUT" in
    '' | *[!0-9]*)
      echo "--timeout: '$TIMEOUT' is not a number of seconds" >&2
      exit 2
      ;;
  esac
  case "$NLB_SECRET_NS" in
    *[!a-z0-9-]*)
      echo "--secret-namespace: '$NLB_SECRET_NS' is not a namespace name" >&2
      exit 2
      ;;
  esac
  case "$ALB_SECRET_NS" in
    *[!a-z0-9-]*)
      echo "--alb-secret-namespace: '$ALB_SECRET_NS' is not a namespace name" >&2
      exit 2
      ;;
  esac
}

# --- steps, messages, the run and kubectl ---
SCRIPT_NAME=''
STEP_TOTAL=0
RERUN_NOTE=''
KUBECTL=(kubectl)
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
  stop_pid "$CLIENT_PID"
  stop_pid "$SERVER_PID"
  if [ -n "$WORK_DIR" ]; then rm -rf "$WORK_DIR"; fi
  if [ "$rc" -ne 0 ] && [ "$STEP_NO" -gt 0 ] && [ -n "$RERUN_NOTE" ]; then
    {
      printf '\n%s stopped at step %s/%s: %s.\n' "$SCRIPT_NAME" "$STEP_NO" "$STEP_TOTAL" \
        "$STEP_NAME"
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

# start_run SCRIPT STEPS RERUN-NOTE: what every script does first. Every exit then removes the
# temporary folder (it may hold keys); kubectl talks to --context CONTEXT when one was given.
start_run() {
  SCRIPT_NAME=$1
  STEP_TOTAL=$2
  RERUN_NOTE=$3
  trap on_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  umask 077
  WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/istio-alb.XXXXXX")"
  KUBECTL=(kubectl)
  if [ -n "$CONTEXT" ]; then KUBECTL+=(--context "$CONTEXT"); fi
  cafile_only
}

# k ARGS...: kubectl on the chosen context (--context, else kubectl's current one).
k() { "${KUBECTL[@]}" "$@"; }

# CAFILE_ONLY: the flags with which `openssl verify` trusts the -CAfile it is given and nothing
# else. Without them it also trusts this machine's CA certificates (its default directory and, in
# OpenSSL 3, its default store), so a certificate from a public CA would pass checks that NGINX,
# Traefik and Envoy fail: they trust only the CA they are given. (s_client and s_server load no
# default CA once given -CAfile. LibreSSL has no such flag: an empty directory stands in.) curl
# keeps the CA directory libcurl was built with (Debian's: /etc/ssl/certs) beside --cacert: its
# requests name the same empty directory, NO_CAS.
CAFILE_ONLY=()
NO_CAS=''
cafile_only() {
  NO_CAS="$WORK_DIR/no-cas"
  mkdir -p "$NO_CAS"
  case "$(openssl version 2>/dev/null || true)" in
    'OpenSSL 1.'*) CAFILE_ONLY=(-no-CApath) ;;
    'OpenSSL '*) CAFILE_ONLY=(-no-CApath -no-CAstore) ;;
    *) CAFILE_ONLY=(-CApath "$NO_CAS") ;;
  esac
}

# x509 ARGS...: openssl x509 that reads a certificate without the machine's CA bundle, which
# OpenSSL 3 loads for every x509 command (about 20 ms of CPU a call) and reading never needs.
x509() { SSL_CERT_FILE=/dev/null openssl x509 "$@"; }

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

# apply_in NAMESPACE FILE: kubectl apply --server-side of FILE under the field manager istio-alb:
# the fields that manager owns are what the bundle owns. A field another manager owns stops the
# script, kubectl naming the manager and the field, unless --force-conflicts was given. Under
# --dry-run: the server's dry run (a refusal counts in DRY_REFUSED) and kubectl diff against the
# live objects (secrets masked).
apply_in() {
  local ns=$1 file=$2 out rc=0
  local args=(apply --server-side --field-manager=istio-alb)
  if [ "$FORCE_CONFLICTS" -eq 1 ]; then args+=(--force-conflicts); fi
  if [ "$DRY_RUN" -eq 1 ]; then
    change_in "$ns" "${args[@]}" -f "$file"
    if [ -n "$NEW_NAMESPACE" ] && [ "$ns" = "$NEW_NAMESPACE" ]; then return 0; fi
    out="$(k diff --server-side --field-manager=istio-alb -f "$file" 2>&1)" || rc=$?
    case "$rc" in
      0) printf '    diff: none\n' ;;
      1) printf '%s\n' "$out" | sed 's/^/    diff: /' ;;
      *) printf '%s\n' "$out" | sed 's/^/    diff failed: /' ;;
    esac
    return 0
  fi
  CHANGED=1
  if ! out="$(k "${args[@]}" -f "$file" 2>&1)"; then
    printf '%s\n' "$out" | sed 's/^/  /' >&2
    die "kubectl apply --server-side refused ${file##*/} (above). A conflict means another field \
manager owns those fields (kubectl get -o yaml --show-managed-fields shows who): change them \
back, or run again with --force-conflicts to give them to istio-alb."
  fi
  printf '%s\n' "$out" | sed 's/^/  /'
}

# at_least VERSION MINIMUM: whether VERSION, dotted numbers, is MINIMUM or later; a VERSION that
# is not dotted numbers (empty, or with a suffix left) counts as 0.
at_least() {
  local IFS=. have want i
  case "$1" in '' | *[!0-9.]*) set -- 0 "$2" ;; esac
  read -r -a have <<<"$1"
  read -r -a want <<<"$2"
  for i in 0 1 2; do
    if [ "${have[i]:-0}" -gt "${want[i]:-0}" ]; then return 0; fi
    if [ "${have[i]:-0}" -lt "${want[i]:-0}" ]; then return 1; fi
  done
}

# How to install the Gateway API's CRDs (standard channel, the release the bundles are tested with).
GATEWAY_API_INSTALL="kubectl apply --server-side -f \
https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml"

# check_gateway_api: a gateway-api bundle needs the Gateway API CRDs of v1.5.0 or later (the
# client-certificate validation of GEP-91 is in their standard channel since then) and istiod
# 1.28 or later (the first Istio that implements it).
check_gateway_api() {
  local version image tag
  local jp='jsonpath={.metadata.annotations.gateway\.networking\.k8s\.io/bundle-version}'
  version="$(k get crd gateways.gateway.networking.k8s.io -o "$jp")"
  if ! at_least "${version#v}" 1.5.0; then
    die "the Gateway API CRDs are of version '${version:-unknown}', and this bundle needs \
v1.5.0 or later (frontend client-certificate validation): $GATEWAY_API_INSTALL"
  fi
  ok "Gateway API CRDs $version"
  jp='jsonpath={.items[*].spec.template.spec.containers[0].image}'
  image="$(k get deployments --all-namespaces -l app=istiod -o "$jp")"
  tag=${image##*:}
  tag=${tag%%-*}
  if ! at_least "$tag" 1.28; then
    die "istiod runs ${image:-nowhere (no deployment labelled app=istiod)}, and a gateway-api \
bundle needs Istio 1.28 or later: update the Istio add-on (ibmcloud ks cluster addon update \
istio --cluster $CLUSTER_NAME), or generate the bundle with gateway_config: istio"
  fi
  ok "istiod $tag"
}

# unmet RESOURCE/NAME NAMESPACE: the conditions of a Gateway API object that are not True (its
# own, its listeners' and its parents'), one "  TYPE (REASON): MESSAGE" line each.
unmet() {
  local each='.conditions[?(@.status!="True")]}{"  "}{.type}{" ("}{.reason}{"): "}'
  each+='{.message}{"\n"}{end}'
  k get "$1" -n "$2" -o "jsonpath={range .status$each{range .status.listeners[*]$each{range \
.status.parents[*]$each"
}

# gateway_api_status GATEWAY ROUTE: what keeps Istio from serving the bundle's Gateway and
# HTTPRoute, as their status says (nothing when the Gateway is Programmed and the route Accepted
# by it, every condition True).
gateway_api_status() {
  local gw="gateways.gateway.networking.k8s.io/$1" route="httproutes.gateway.networking.k8s.io/$2"
  local programmed parent problems
  programmed="$(k get "$gw" -n "$GATEWAY_NAMESPACE" \
    -o 'jsonpath={.status.conditions[?(@.type=="Programmed")].status}')"
  parent="$(k get "$route" -n "$APP_NAMESPACE" \
    -o "jsonpath={.status.parents[?(@.parentRef.name==\"$1\")].controllerName}")"
  problems="$(unmet "$gw" "$GATEWAY_NAMESPACE")"
  if [ "$programmed" != True ] && [ -z "$problems" ]; then problems='  not Programmed'; fi
  if [ -n "$problems" ]; then echo "Gateway $GATEWAY_NAMESPACE/$1:"$'\n'"$problems"; fi
  problems="$(unmet "$route" "$APP_NAMESPACE")"
  if [ -z "$parent" ]; then problems="  no status from a controller for Gateway $1"; fi
  if [ -n "$problems" ]; then echo "HTTPRoute $APP_NAMESPACE/$2:"$'\n'"$problems"; fi
}

# wait_gateway_api GATEWAY ROUTE: waits (--timeout) until Istio has programmed the Gateway and
# accepted the route, resolving their references; else stops with what their status says.
wait_gateway_api() {
  local parent="{.status.parents[?(@.parentRef.name==\"$1\")].conditions" problems
  if [ "$DRY_RUN" -eq 1 ]; then return 0; fi
  k wait "gateways.gateway.networking.k8s.io/$1" -n "$GATEWAY_NAMESPACE" \
    --for=condition=Programmed --timeout="${TIMEOUT}s" >/dev/null 2>&1 || true
  k wait "httproutes.gateway.networking.k8s.io/$2" -n "$APP_NAMESPACE" --timeout="${TIMEOUT}s" \
    --for="jsonpath=${parent}[?(@.type==\"Accepted\")].status}=True" >/dev/null 2>&1 || true
  problems="$(gateway_api_status "$1" "$2")"
  if [ -n "$problems" ]; then
    die "Istio does not serve the Gateway API objects; their status after up to ${TIMEOUT}s:
$problems
Check istiod (kubectl logs -n $GATEWAY_NAMESPACE -l app=istiod) and run install.sh again; \
--timeout SECONDS waits longer."
  fi
  ok "Gateway $1 programmed by Istio, HTTPRoute $2 accepted, their references resolved"
}

# need_app: a bundle without the httpbin sample (deploy_sample: false) routes to an app that
# must run already; install stops here, before any change, when its Deployment is missing (a
# mistyped App or App namespace).
need_app() {
  local found
  if ! found="$(k get deployments.apps "$APP" -n "$APP_NAMESPACE" --ignore-not-found \
    -o name 2>&1)"; then
    die "could not read Deployment $APP in namespace $APP_NAMESPACE: $found"
  fi
  if [ -z "$found" ]; then
    die "the app's Deployment $APP does not exist in namespace $APP_NAMESPACE, so the route \
would lead nowhere: check the settings' app and app_namespace (kubectl get deployments -n \
$APP_NAMESPACE), deploy the app first, or make the bundle with deploy_sample: true to deploy \
the httpbin sample as $APP"
  fi
  ok "the app's Deployment $APP_NAMESPACE/$APP exists"
}

# --- preflight: a local mutual TLS handshake with the bundle's own files (openssl only) ---
# unusable WHAT: the bundle cannot be checked (exit 2).
unusable() {
  echo "preflight: cannot check: $*" >&2
  exit 2
}

# fail SIDE REASON [OPENSSL-DETAIL]: the handshake would fail; names the side (exit 1).
fail() {
  echo "preflight: FAILED on the $1 side: $2" >&2
  if [ -n "${3:-}" ]; then echo "  (OpenSSL: $3)" >&2; fi
  exit 1
}

# check_openssl: preflight needs OpenSSL 1.1.1 or later.
check_openssl() {
  need openssl awk sed grep
  case "$(openssl version 2>/dev/null)" in
    'OpenSSL 1.1.1'* | 'OpenSSL 3'*) ;;
    *)
      unusable "needs OpenSSL 1.1.1 or later, found '$(openssl version 2>/dev/null || true)' (on \
macOS: install openssl@3 and put it first on PATH)"
      ;;
  esac
}

# annotation NAME FILE: one annotation of FILE, quotes removed; empty when absent.
annotation() {
  awk -v name="$1" '
    { line = $0; sub(/^[[:space:]]+/, "", line) }
    index(line, name ":") == 1 {
      value = substr(line, length(name) + 2)
      sub(/^[[:space:]]+/, "", value)
      sub(/[[:space:]]+$/, "", value)
      if (value ~ /^".*"$/ || value ~ /^\047.*\047$/) value = substr(value, 2, length(value) - 2)
      print value
      exit
    }' "$2"
}

# spec_value FIELD FILE: spec.FIELD of FILE, or its first list item (a `secret:` entry gives the
# secret's name), quotes removed; empty when absent.
spec_value() {
  awk -v name="$1" '
    function clean(v) {
      sub(/^[[:space:]]*-[[:space:]]*/, "", v)
      sub(/^secret:[[:space:]]*/, "", v)
      sub(/[[:space:]]+$/, "", v)
      if (v ~ /^".*"$/ || v ~ /^\047.*\047$/) v = substr(v, 2, length(v) - 2)
      return v
    }
    /^spec:[[:space:]]*$/ { inspec = 1; next }
    /^[^[:space:]]/ { inspec = 0 }
    !inspec { next }
    want && /^[[:space:]]*-/ { print clean($0); exit }
    want { exit }
    { line = $0; sub(/^[[:space:]]+/, "", line) }
    index(line, name ":") == 1 {
      value = substr(line, length(name) + 2)
      sub(/^[[:space:]]+/, "", value)
      if (value != "") { print clean(value); exit }
      want = 1
    }' "$2"
}

# read_alb_settings FILE...: what the ALB verifies the gateway with, from the bundle's files:
# PROXY_SSL_NAME, VERIFY_DEPTH, ALB_SECRET_NAME and ALB_CA_SECRET_NAME. NGINX reads them from the
# Ingress's annotations (FILE); the classic ALB from IBM's ssl-services annotation; Traefik from
# the ServersTransport (FILE: the Ingress, the transport, the Service that names it).
PROXY_SSL_NAME=''
VERIFY_DEPTH=''
ALB_SECRET_REF=''
ALB_SECRET_NAME=''
ALB_CA_SECRET_NAME=''
read_alb_settings() {
  local f
  for f in "$@"; do
    if [ ! -f "$f" ]; then unusable "${f#"$BUNDLE_DIR"/} does not exist"; fi
  done
  case "$PROFILE/$ALB" in
    classic/*) read_ssl_services "$1" ;;
    */traefik) read_transport "$2" "$3" ;;
    *) read_nginx_annotations "$1" ;;
  esac
  ALB_SECRET_NAME="${ALB_SECRET_REF#*/}"
  case "$ALB_SECRET_NAME" in
    '' | *[!a-z0-9.-]*) unusable "the Ingress names no usable ALB secret ('$ALB_SECRET_REF')" ;;
  esac
  case "$VERIFY_DEPTH" in
    '' | *[!0-9]*) unusable "the Ingress's verify depth '$VERIFY_DEPTH' is not a number" ;;
  esac
  ALB_CA_SECRET_NAME="${ALB_CA_SECRET_NAME:-$ALB_SECRET_NAME}"
  case "$ALB_CA_SECRET_NAME" in
    *[!a-z0-9.-]*) unusable "the ALB names no usable CA secret ('$ALB_CA_SECRET_NAME')" ;;
  esac
  if [ "$ALB" = traefik ]; then
    echo "  the ServersTransport's serverName $PROXY_SSL_NAME, $(depth_text), client certificate \
from secret $ALB_SECRET_NAME, CA from secret $ALB_CA_SECRET_NAME"
  else
    echo "  proxy-ssl-name $PROXY_SSL_NAME, $(depth_text), client certificate from secret \
$ALB_SECRET_NAME, CA from secret $ALB_CA_SECRET_NAME"
  fi
}

# depth_text: how deep the ALB verifies the gateway's chain.
depth_text() {
  if [ "$ALB" = traefik ]; then
    echo 'whole chain verified, no depth limit'
  else
    echo "verify depth $VERIFY_DEPTH"
  fi
}

# read_nginx_annotations INGRESS: NGINX's proxy-ssl-* annotations (its default depth is 1).
read_nginx_annotations() {
  local p=nginx.ingress.kubernetes.io
  ALB_SECRET_REF="$(annotation "$p/proxy-ssl-secret" "$1")"
  PROXY_SSL_NAME="$(annotation "$p/proxy-ssl-name" "$1")"
  VERIFY_DEPTH="$(annotation "$p/proxy-ssl-verify-depth" "$1")"
  VERIFY_DEPTH="${VERIFY_DEPTH:-1}"
  if [ "$(annotation "$p/proxy-ssl-verify" "$1")" != on ]; then
    echo "  note: proxy-ssl-verify is not \"on\": the ALB would not verify the gateway; this \
check verifies it anyway."
  fi
  if [ "$(annotation "$p/proxy-ssl-server-name" "$1")" != on ]; then
    echo "  note: proxy-ssl-server-name is not \"on\": the ALB would send no SNI, and the gateway \
may not pick its certificate."
  fi
  if [ -z "$PROXY_SSL_NAME" ]; then
    fail ALB "the Ingress sets no proxy-ssl-name: NGINX would verify the gateway as its \
upstream's internal name, which the gateway certificate does not cover."
  fi
}

# read_ssl_services INGRESS: IBM's ssl-services entry for the gateway service, 'ssl-service=SVC
# ssl-secret=S [proxy-ssl-verify-depth=N] [proxy-ssl-name=H]' (entries separated by ';'). IBM's
# ALB defaults: verify depth 5; the server name of the gateway's certificate, the NLB host name.
read_ssl_services() {
  local entry
  entry="$(annotation ingress.bluemix.net/ssl-services "$1" | tr ';' '\n' |
    awk '{ for (i = 1; i <= NF; i++) if ($i == "ssl-service=istio-ingressgateway") print }' |
    sed -n 1p)"
  if [ -z "$entry" ]; then
    unusable "the Ingress has no ingress.bluemix.net/ssl-services entry for \
ssl-service=istio-ingressgateway"
  fi
  entry="$(tr ' ' '\n' <<<"$entry")"
  ALB_SECRET_REF="$(sed -n 's/^ssl-secret=//p' <<<"$entry" | sed -n 1p)"
  VERIFY_DEPTH="$(sed -n 's/^proxy-ssl-verify-depth=//p' <<<"$entry" | sed -n 1p)"
  VERIFY_DEPTH="${VERIFY_DEPTH:-5}"
  PROXY_SSL_NAME="$(sed -n 's/^proxy-ssl-name=//p' <<<"$entry" | sed -n 1p)"
  PROXY_SSL_NAME="${PROXY_SSL_NAME:-$NLB_INGRESS_DOMAIN}"
}

# read_transport TRANSPORT SERVICE: Traefik takes the name, the client certificate and the CA
# from the ServersTransport, and uses it only for the Service whose annotation names it. Go's
# crypto/tls verifies the whole chain; OpenSSL's own limit (100) stands in for none.
read_transport() {
  local ref="$GATEWAY_NAMESPACE-alb-to-gateway@kubernetescrd" p=traefik.ingress.kubernetes.io
  PROXY_SSL_NAME="$(spec_value serverName "$1")"
  ALB_SECRET_REF="$(spec_value certificatesSecrets "$1")"
  ALB_CA_SECRET_NAME="$(spec_value rootCAs "$1")"
  VERIFY_DEPTH=100
  if [ "$(annotation "$p/service.serverstransport" "$2")" != "$ref" ]; then
    fail ALB "the Service in ${2#"$BUNDLE_DIR"/} does not name the ServersTransport $ref: Traefik \
would connect without the client certificate."
  fi
  if [ "$(annotation "$p/service.serversscheme" "$2")" != https ]; then
    fail ALB "the Service does not set service.serversscheme: https, so Traefik would speak plain \
HTTP to the gateway."
  fi
  if [ -z "$PROXY_SSL_NAME" ]; then
    fail ALB "the ServersTransport sets no serverName: Traefik would verify the gateway as its pod \
address, which the gateway certificate does not cover."
  fi
}

# bundle_file FILE SHOWN OUT: a file the bundle makes a secret of (SHOWN: its name in the bundle),
# copied to $WORK_DIR/OUT.
bundle_file() {
  if [ ! -s "$1" ]; then unusable "$2 does not exist or is empty"; fi
  cp "$1" "$WORK_DIR/$3"
}

# cluster_secret_value NAME KEY OUT: one data value of secret NAME in the gateway namespace, read
# from the cluster (IBM's own secret, of which the bundle holds no copy), decoded into
# $WORK_DIR/OUT.
cluster_secret_value() {
  local b64 out="$WORK_DIR/$3"
  need kubectl
  if ! b64="$(kubectl get secret "$1" -n "$GATEWAY_NAMESPACE" -o "jsonpath={.data.${2//./\\.}}" \
    2>"$WORK_DIR/kubectl.err")" || [ -z "$b64" ]; then
    unusable "IBM's secret $1 in $GATEWAY_NAMESPACE has no $2 (or kubectl cannot read it: $(sed \
-n 1p "$WORK_DIR/kubectl.err")). Register the NLB host name with --secret-namespace \
$GATEWAY_NAMESPACE first, so that IBM creates it there."
  fi
  printf '%s' "$b64" | openssl base64 -d -A >"$out" 2>/dev/null || true
  if ! grep -q -- '-----BEGIN ' "$out"; then
    unusable "secret $1 in $GATEWAY_NAMESPACE: $2 is not base64 of a PEM text"
  fi
}

# split_chain FILE LEAF REST WHAT: the first certificate of FILE, and the ones after it.
split_chain() {
  : >"$3"
  awk -v leaf="$2" -v rest="$3" '/-----BEGIN CERTIFICATE-----/ { n++ }
    n == 1 { print > leaf } n > 1 { print > rest }' "$1"
  if [ ! -s "$2" ]; then unusable "no certificate in $4"; fi
}

# count_certs FILE: how many certificates FILE holds.
count_certs() { grep -c -- '-----BEGIN CERTIFICATE-----' "$1" || true; }

# split_chains: the ALB must be given the secrets the bundle makes; each side's leaf apart from
# its intermediates.
split_chains() {
  local w=$WORK_DIR
  if [ "$ALB_SECRET_NAME" != "${ALB_CERT%%/*}" ]; then
    unusable "the ALB is given the secret '$ALB_SECRET_NAME', and the bundle makes ${ALB_CERT%%/*}"
  fi
  if [ "$ALB_CA_SECRET_NAME" != "${ALB_CA%%/*}" ]; then
    unusable "the ALB is given the secret '$ALB_CA_SECRET_NAME', and the bundle makes ${ALB_CA%%/*}"
  fi
  split_chain "$w/gateway-chain.pem" "$w/gateway.crt" "$w/gateway-intermediates.pem" \
    "$GATEWAY_CERT_SECRET/$GATEWAY_CERT_KEY"
  split_chain "$w/alb-chain.pem" "$w/alb.crt" "$w/alb-intermediates.pem" "$ALB_CERT"
  echo "  gateway: $GATEWAY_CERT_SECRET/$GATEWAY_CERT_KEY ($(count_certs "$w/gateway-chain.pem") \
certificate(s)), $GATEWAY_KEY, client CA $CLIENT_CA"
  echo "  ALB: $ALB_CERT, $ALB_KEY, trusted CA $ALB_CA ($(count_certs "$w/alb-ca.pem") \
certificate(s))"
}

# check_keys: each private key belongs to its certificate.
check_keys() {
  if ! same_key "$WORK_DIR/gateway.crt" "$WORK_DIR/gateway.key"; then
    fail gateway "the gateway's private key ($GATEWAY_KEY) does not belong to its certificate \
($GATEWAY_CERT_SECRET/$GATEWAY_CERT_KEY), or cannot be read: the gateway cannot load them." \
      'key values mismatch'
  fi
  if ! same_key "$WORK_DIR/alb.crt" "$WORK_DIR/alb.key"; then
    fail ALB "the ALB's private key ($ALB_KEY) does not belong to its client certificate \
($ALB_CERT), or cannot be read: NGINX refuses to load them." 'key values mismatch'
  fi
  echo '  ok: both keys match their certificates'
}

# wait_gone PID TENTHS: wait up to TENTHS/10 s for PID to exit; 1 when it is still running.
wait_gone() {
  local n=0
  while kill -0 "$1" 2>/dev/null; do
    n=$((n + 1))
    if [ "$n" -gt "$2" ]; then return 1; fi
    sleep 0.1
  done
  return 0
}

# stop_pid PID: end a process this script started, and reap it.
stop_pid() {
  if [ -n "$1" ]; then
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}

# handshake: openssl s_server as the gateway and s_client as the ALB, on 127.0.0.1 (a random
# port; another one when it is taken). The gateway (Envoy) requires a client certificate that its
# client CA verifies for the client purpose, with OpenSSL's own depth limit, as in Envoy. The ALB
# sends SNI and checks the host name PROXY_SSL_NAME, verifies with VERIFY_DEPTH against the CA
# of its secret, and presents its client certificate and key. The server answers one connection
# (-www: a status page, sent only after both sides accepted each other). Sets TIMED_OUT.
SERVER_PID=''
CLIENT_PID=''
TIMED_OUT=0
handshake() {
  local w=$WORK_DIR attempt=0 n server client
  server=(-naccept 1 -www -cert "$w/gateway.crt" -key "$w/gateway.key" -pass pass:
    -CAfile "$w/client-ca.pem" -Verify 100 -verify_return_error -purpose sslclient)
  if [ -s "$w/gateway-intermediates.pem" ]; then
    server+=(-cert_chain "$w/gateway-intermediates.pem")
  fi
  client=(-ign_eof -servername "$PROXY_SSL_NAME" -verify_hostname "$PROXY_SSL_NAME"
    -verify_depth "$VERIFY_DEPTH" -CAfile "$w/alb-ca.pem" -verify_return_error -purpose sslserver
    -cert "$w/alb.crt" -key "$w/alb.key" -pass pass:)
  if [ -s "$w/alb-intermediates.pem" ]; then client+=(-cert_chain "$w/alb-intermediates.pem"); fi
  if [ "$DRY_RUN" -eq 1 ]; then
    printf '+ openssl s_server -accept 127.0.0.1:<free port>'
    printf ' %q' "${server[@]}"
    printf '\n+ openssl s_client -connect 127.0.0.1:<that port>'
    printf ' %q' "${client[@]}"
    printf '\n\nDry run: no handshake was made (the files above are removed at exit).\n'
    exit 0
  fi
  printf 'GET / HTTP/1.0\r\n\r\n' >"$w/request"
  while :; do
    attempt=$((attempt + 1))
    PORT=$((20000 + RANDOM % 30000))
    openssl s_server -accept "127.0.0.1:$PORT" "${server[@]}" </dev/null >"$w/server.out" \
      2>"$w/server.err" &
    SERVER_PID=$!
    n=0
    while ! grep -q '^ACCEPT' "$w/server.out" && kill -0 "$SERVER_PID" 2>/dev/null &&
      [ "$n" -lt 100 ]; do
      n=$((n + 1))
      sleep 0.1
    done
    if grep -q '^ACCEPT' "$w/server.out"; then break; fi
    stop_pid "$SERVER_PID"
    SERVER_PID=''
    if grep -qi 'in use' "$w/server.err" && [ "$attempt" -lt 10 ]; then continue; fi
    fail gateway "openssl s_server could not serve the gateway's certificate and key." \
      "$(last_error "$w/server.err")"
  done
  openssl s_client -connect "127.0.0.1:$PORT" "${client[@]}" <"$w/request" >"$w/client.out" \
    2>"$w/client.err" &
  CLIENT_PID=$!
  TIMED_OUT=0
  if ! wait_gone "$CLIENT_PID" 150; then TIMED_OUT=1; fi
  stop_pid "$CLIENT_PID"
  CLIENT_PID=''
  stop_pid "$SERVER_PID"
  SERVER_PID=''
}

# verify_error FILE: 'NUM TEXT' of the first OpenSSL verification error logged in FILE.
verify_error() {
  sed -n 's/^verify error:num=\([0-9]*\):\(.*\)$/\1 \2/p' "$1" | sed -n 1p
}

# last_error FILE: the reason of the last OpenSSL error line in FILE (e.g. an alert received).
last_error() {
  awk -F: '/:error:/ { reason = $6 }
    /^connect:errno=/ { reason = "connection failed (" $0 ")" } END { print reason }' "$1"
}

# handshake_result: the handshake's verdict, in the words of the side that refused. The ALB
# verifies the gateway first: its verdict, if any, is the cause.
handshake_result() {
  local w=$WORK_DIR error chain="$GATEWAY_CERT_SECRET/$GATEWAY_CERT_KEY" name=proxy-ssl-name
  local log=": NGINX logs 'upstream SSL certificate does not match'"
  if grep -q 'HTTP/1.0 200 ok' "$w/client.out"; then
    echo "preflight: OK: the gateway accepted the ALB's client certificate, and the ALB verified \
the gateway as $PROXY_SSL_NAME ($(depth_text))."
    exit 0
  fi
  if [ "$ALB" = traefik ]; then
    name="the ServersTransport's serverName"
    log=": Traefik logs 'x509: certificate is valid for ..., not ...' and answers 500"
  fi
  error="$(verify_error "$w/client.err")"
  case "${error%% *}" in
    '') ;;
    62)
      fail ALB "the gateway certificate ($chain) does not cover $PROXY_SSL_NAME, the name the ALB \
verifies ($name)$log. Put $PROXY_SSL_NAME into its subjectAltName, or set $name to a name it \
covers." "verify error $error"
      ;;
    22)
      fail ALB "verify depth $VERIFY_DEPTH is too small for the gateway's chain ($chain, \
$(count_certs "$w/gateway-chain.pem") certificate(s)): set proxy-ssl-verify-depth back to the \
value the bundle derived from that chain." "verify error $error"
      ;;
    2 | 20 | 21)
      fail ALB "the CA the ALB trusts ($ALB_CA) did not issue the gateway certificate, or $chain \
lacks an intermediate: give the CA that issued the gateway certificate as the gateway CA." \
        "verify error $error"
      ;;
    18 | 19)
      fail ALB "the gateway's chain ends in a self-signed certificate that is not the CA the ALB \
trusts ($ALB_CA)." "verify error $error"
      ;;
    9 | 10)
      fail ALB "a certificate of the gateway's chain ($chain) is not valid now (expired or not \
yet valid)." "verify error $error"
      ;;
    26)
      fail ALB "the gateway certificate is not for server authentication: its extendedKeyUsage \
lacks serverAuth." "verify error $error"
      ;;
    *) fail ALB "the ALB does not accept the gateway certificate ($chain)." "verify error $error" ;;
  esac
  error="$(verify_error "$w/server.err")"
  case "${error%% *}" in
    '') ;;
    26)
      fail gateway "the ALB client certificate ($ALB_CERT) is not for client authentication: its \
extendedKeyUsage lacks clientAuth (Let's Encrypt certificates no longer carry it). Issue it from \
a private CA, with clientAuth." "verify error $error"
      ;;
    2 | 20 | 21)
      fail gateway "the gateway's client CA ($CLIENT_CA) did not issue the ALB client certificate \
($ALB_CERT): give the CA that issued it as the client CA, and its intermediates after it in the \
client certificate." "verify error $error"
      ;;
    18 | 19)
      fail gateway "the ALB client certificate's chain ends in a self-signed certificate that is \
not the gateway's client CA ($CLIENT_CA)." "verify error $error"
      ;;
    9 | 10)
      fail gateway "a certificate of the ALB client chain ($ALB_CERT) is not valid now (expired or \
not yet valid)." "verify error $error"
      ;;
    *)
      fail gateway "the gateway does not accept the ALB client certificate ($ALB_CERT)." \
        "verify error $error"
      ;;
  esac
  if [ "$TIMED_OUT" -eq 1 ]; then
    fail ALB 'no answer from the gateway stand-in within 15 s.' "$(last_error "$w/client.err")"
  fi
  error="$(last_error "$w/server.err")"
  if [ -n "$error" ]; then fail gateway 'the handshake failed at the gateway.' "$error"; fi
  fail ALB 'the handshake failed at the ALB.' "$(last_error "$w/client.err")"
}

# --- install's checks, before any change ---
# run_preflight: preflight.sh, unless --skip-preflight; a failure ends install.
run_preflight() {
  if [ "$SKIP_PREFLIGHT" -eq 1 ]; then
    echo '  skipped (--skip-preflight)'
  elif ! bash "$BUNDLE_DIR"/scripts/preflight.sh; then
    die "the preflight failed (see above), so nothing was changed in the cluster. Fix the \
certificates and generate the bundle again, or pass --skip-preflight."
  fi
}

# check_prerequisites: the gateway namespace, the CRD of every kind the manifests write
# ($REQUIRED_CRDS) and the ALB's ingress class, in one kubectl call; a running gateway pod; then
# what the bundle's choices need: Traefik's ServersTransport, the Gateway API, the user's app.
check_prerequisites() {
  local wanted=("namespace/$GATEWAY_NAMESPACE") found missing='' item name why crd running
  local jp='jsonpath={range .items[*]}{.metadata.name}{"|"}{.status.phase}{"|"}'
  jp+='{.status.containerStatuses[*].ready}{"\n"}{end}'
  need ibmcloud openssl awk sed
  for crd in $REQUIRED_CRDS; do wanted+=("crd/$crd"); done
  if [ -n "$INGRESS_CLASS" ]; then wanted+=("ingressclass/$INGRESS_CLASS"); fi
  found="$(k get "${wanted[@]}" -o name 2>"$WORK_DIR/found.err" || true)"
  for item in "${wanted[@]}"; do
    name=$item
    case "$item" in
      namespace/*) why="the gateway namespace $GATEWAY_NAMESPACE (is Istio installed there?)" ;;
      crd/*)
        name="customresourcedefinition.apiextensions.k8s.io/${item#crd/}"
        why="Istio's API for this profile: is Istio installed, and recent or old enough?"
        case "$item" in
          *.gateway.networking.k8s.io)
            why="the Gateway API, v1.5.0 or newer: $GATEWAY_API_INSTALL"
            ;;
        esac
        why="the CRD ${item#crd/} ($why)"
        ;;
      *)
        name="ingressclass.networking.k8s.io/$INGRESS_CLASS"
        why="the ingress class $INGRESS_CLASS (the ALB: ibmcloud ks ingress alb ls --cluster \
$CLUSTER_NAME)"
        ;;
    esac
    if grep -qxF -- "$name" <<<"$found"; then ok "$name"; else missing="$missing
  $why"; fi
  done
  if [ -n "$missing" ]; then
    die "missing in the cluster:$missing
(kubectl: $(head -n 3 "$WORK_DIR/found.err"))"
  fi
  running="$(k get pods -n "$GATEWAY_NAMESPACE" -l istio=ingressgateway -o "$jp" |
    awk -F'|' '$2 == "Running" && $3 !~ /false/ && $3 != "" { n++ } END { print n + 0 }')"
  if [ "$running" -eq 0 ]; then
    die "no running, ready gateway pod labelled istio=ingressgateway in $GATEWAY_NAMESPACE"
  fi
  ok "$running gateway pod(s) running and ready in $GATEWAY_NAMESPACE"
  if [ "$ALB" = traefik ]; then check_traefik_api; fi
  if [ "$GATEWAY_CONFIG" = gateway-api ]; then check_gateway_api; fi
  if [ "$DEPLOY_SAMPLE" = false ]; then need_app; fi
}

# check_traefik_api: the ServersTransport version the cluster serves, into TRAEFIK_API (Traefik
# v3's CRD serves v1alpha1, IBM's examples write v1).
TRAEFIK_API=''
check_traefik_api() {
  TRAEFIK_API="$(k api-resources --api-group=traefik.io --no-headers 2>/dev/null |
    awk '$NF == "ServersTransport" { print $(NF - 2); exit }')"
  if [ -z "$TRAEFIK_API" ]; then
    die "the cluster serves no ServersTransport in traefik.io: is the ALB Traefik? (ibmcloud ks \
ingress alb ls --cluster $CLUSTER_NAME)"
  fi
  ok "the cluster serves ServersTransport as $TRAEFIK_API"
}

# check_nlb_dns: IBM's listing registers the NLB host name for the load balancer (classic: the
# gateway's IP, VPC: its host name), whole fields only (192.0.2.100 is not 192.0.2.10); sets
# NLB_LISTED_NS to the namespace the listing gives for IBM's secret, if any.
NLB_LISTED_NS=''
check_nlb_dns() {
  local list=(ibmcloud ks nlb-dns ls) create='ibmcloud ks nlb-dns create classic' option=--ip
  local target=$INGRESS_HOST setting='Ingress gateway IP' listing seen hit secret ips
  case "$PROFILE/$INFRASTRUCTURE" in
    */vpc)
      create='ibmcloud ks nlb-dns create vpc-gen2' option=--lb-host target=$LB_HOST
      setting='Load balancer host name'
      ;;
    classic/*) list=(ibmcloud ks nlb-dnss) create='ibmcloud ks nlb-dns-create' ;;
  esac
  if [ "$GATEWAY_SECRETS" = ibm-renewed ]; then
    option="$option $target --secret-namespace $GATEWAY_NAMESPACE"
  else
    option="$option $target"
  fi
  if ! listing="$("${list[@]}" --cluster "$CLUSTER_NAME" 2>&1)"; then
    die "${list[*]} failed: $listing"
  fi
  read -r seen hit secret NLB_LISTED_NS ips <<<"$(awk -v host="$NLB_INGRESS_DOMAIN" \
    -v ip="$target" -v secret="$NLB_SECRET" '
    $1 == host {
      seen = 1
      for (i = 2; i <= NF; i++) {
        n = split($i, a, ",")
        for (j = 1; j <= n; j++) if (a[j] == ip) hit = 1
        if ($i != secret && $i ~ /[.:]/) ips = ips $i ","
        if ($i == secret) { sec = 1; if (i < NF && $(i + 1) ~ /^[a-z0-9-]+$/) ns = $(i + 1) }
      }
    }
    END { print seen + 0, hit + 0, sec + 0, (ns == "" ? "-" : ns), (ips == "" ? "-" : ips) }
  ' <<<"$listing")"
  if [ "$seen" -eq 0 ]; then
    die "$NLB_INGRESS_DOMAIN is not registered in cluster $CLUSTER_NAME. Create it with: \
$create --cluster $CLUSTER_NAME $option, then put the new host name and secret into the \
settings and generate the bundle again."
  fi
  if [ "$hit" -eq 0 ]; then
    die "$NLB_INGRESS_DOMAIN is registered for ${ips%,}, not for $target (the settings' \
$setting). Check kubectl get svc istio-ingressgateway -n $GATEWAY_NAMESPACE."
  fi
  ok "$NLB_INGRESS_DOMAIN is registered for $target"
  if [ "$NLB_LISTED_NS" = - ]; then NLB_LISTED_NS=''; fi
  if [ "$secret" -eq 0 ]; then
    warn "the listing does not name the secret $NLB_SECRET for $NLB_INGRESS_DOMAIN: check the \
settings' nlb_secret"
  fi
}

# check_old_ingress: the app namespace's old Ingress alb-ingress, the ALB's path to the
# app before the procedure, is someone else's; install refuses to run with it unless told to
# delete it (--delete-old-ingress). Sets LEGACY_INGRESS to its owner.
LEGACY_INGRESS=''
check_old_ingress() {
  LEGACY_INGRESS="$(owner "$APP_NAMESPACE" Ingress alb-ingress)"
  local at="Ingress $APP_NAMESPACE/alb-ingress"
  case "$LEGACY_INGRESS" in
    foreign)
      if [ "$DELETE_OLD_INGRESS" -eq 1 ]; then
        note "$at (the ALB's old path to the app) will be deleted once the new Ingress exists \
(--delete-old-ingress)"
      else
        REFUSED="$REFUSED
  $at is the ALB's old path to the app, which the procedure replaces: with both, the ALB may \
keep using it and get 502 once mutual TLS is STRICT. Delete it yourself (kubectl get ingress \
alb-ingress -n $APP_NAMESPACE -o yaml keeps a copy), or run again with --delete-old-ingress: \
install then deletes it right after the new Ingress exists. Cleanup cannot put it back."
      fi
      ;;
    absent) ok "no old Ingress alb-ingress in $APP_NAMESPACE" ;;
    *) note "$at is labelled by istio-alb ($LEGACY_INGRESS): left alone" ;;
  esac
}

# delete_old_ingress RESOURCE: the old Ingress goes once the new one exists (--delete-old-ingress).
delete_old_ingress() {
  if [ "$LEGACY_INGRESS" = foreign ]; then
    change delete "$1" alb-ingress -n "$APP_NAMESPACE" --ignore-not-found=true
  else
    ok 'no old Ingress to delete'
  fi
}

# read_ibm_secrets [NAMESPACE]: IBM's NLB secret into $WORK_DIR/ibm-nlb and its ALB secret into
# $WORK_DIR/ibm-alb, each readable with a matching key, from --secret-namespace (or the settings'
# namespace), else NAMESPACE (the one IBM's listing gives), default or the gateway namespace.
# Sets NLB_SECRET_NAMESPACE and ALB_SECRET_NAMESPACE.
NLB_SECRET_NAMESPACE=''
ALB_SECRET_NAMESPACE=''
read_ibm_secrets() {
  local nlb=("$NLB_SECRET_NS") alb=("$ALB_SECRET_NS")
  if [ -z "$NLB_SECRET_NS" ]; then nlb=("${1:-}" "$IBM_DEFAULT_NAMESPACE" "$GATEWAY_NAMESPACE"); fi
  if [ -z "$ALB_SECRET_NS" ]; then alb=("$IBM_DEFAULT_NAMESPACE" "$GATEWAY_NAMESPACE"); fi
  if ! read_ibm_secret "$NLB_SECRET" "$WORK_DIR/ibm-nlb" "${nlb[@]}"; then
    die "IBM's NLB secret $NLB_SECRET is not in namespace(s) ${nlb[*]} (IBM creates it with the \
NLB host name; if it lives elsewhere, pass --secret-namespace NS)"
  fi
  NLB_SECRET_NAMESPACE=$FOUND_NS
  check_ibm_pair NLB "$NLB_SECRET_NAMESPACE/$NLB_SECRET" "$WORK_DIR/ibm-nlb"
  if ! read_ibm_secret "$ALB_SECRET" "$WORK_DIR/ibm-alb" "${alb[@]}"; then
    die "IBM's ALB secret $ALB_SECRET is not in namespace(s) ${alb[*]} (ibmcloud ks cluster get \
--cluster $CLUSTER_NAME names it; pass --alb-secret-namespace NS if it lives elsewhere)"
  fi
  ALB_SECRET_NAMESPACE=$FOUND_NS
  check_ibm_pair ALB "$ALB_SECRET_NAMESPACE/$ALB_SECRET" "$WORK_DIR/ibm-alb"
}

# check_ibm_pair NLB|ALB NAMESPACE/NAME DIR: IBM's certificate and key in DIR match.
check_ibm_pair() {
  check_pair "IBM's $1 secret $2" "$3/tls.crt" "$3/tls.key"
  ok "IBM's $1 secret $2: certificate and key match, valid until $(enddate "$3/tls.crt")"
}

# warn_if_ibm_renewed: IBM renewed the NLB certificate after the bundle was made.
warn_if_ibm_renewed() {
  first_cert "$BUNDLE_DIR"/certs/nlb.crt "$WORK_DIR/bundle-nlb.crt"
  if later "$WORK_DIR/ibm-nlb/tls.crt" "$WORK_DIR/bundle-nlb.crt"; then
    warn "IBM renewed the NLB certificate since this bundle was made (IBM's is valid until \
$(enddate "$WORK_DIR/ibm-nlb/tls.crt"), the bundle's until \
$(enddate "$WORK_DIR/bundle-nlb.crt")): run renew.sh after install"
  fi
}

# plan_alb_copy: the copy of IBM's ALB TLS secret in the gateway namespace (the Ingress reads it
# there), planned from IBM's.
plan_alb_copy() {
  plan_secret "$ALB_SECRET" kubernetes.io/tls \
    leaf tls.crt "$WORK_DIR/ibm-alb/tls.crt" \
    key:tls.crt tls.key "$WORK_DIR/ibm-alb/tls.key"
}

# check_alb_copy: install plans the copy of IBM's ALB secret, unless someone else keeps one.
check_alb_copy() {
  if [ "$(<"$WORK_DIR/decision/alb-tls-copy")" != keep ]; then
    plan_alb_copy
    return 0
  fi
  note "the copy $GATEWAY_NAMESPACE/$ALB_SECRET is not istio-alb's: used as it is"
  if read_secret "$GATEWAY_NAMESPACE" "$ALB_SECRET" "$WORK_DIR/alb-copy" tls.crt &&
    ! same_file "$WORK_DIR/alb-copy/tls.crt" "$WORK_DIR/ibm-alb/tls.crt"; then
    warn "$GATEWAY_NAMESPACE/$ALB_SECRET differs from IBM's $ALB_SECRET_NAMESPACE/$ALB_SECRET: \
whoever keeps it must update it"
  fi
}

# copy_alb_secret: writes the planned copy of IBM's ALB secret, unless someone else keeps it.
copy_alb_secret() {
  if [ "$(<"$WORK_DIR/decision/alb-tls-copy")" = keep ]; then
    ok "$GATEWAY_NAMESPACE/$ALB_SECRET is not istio-alb's: left as it is"
  else
    apply_secret "$ALB_SECRET"
  fi
}

# finish DONE: the last words of a script that changes the cluster: DONE, or in a dry run how
# many of the changes shown the API server refused (then the exit status is 1).
finish() {
  echo
  if [ "$DRY_RUN" -eq 1 ]; then
    echo "Dry run: nothing was changed; the API server refused $DRY_REFUSED of the changes shown."
    if [ "$DRY_REFUSED" -gt 0 ]; then exit 1; fi
  else
    echo "$1"
  fi
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
  local jp='jsonpath={.contexts[0].name}{"|"}{.contexts[0].context.cluster}{"|"}'
  jp+='{.clusters[0].cluster.server}'
  if ! view="$(k config view --minify -o "$jp" 2>&1)" || [ -z "$view" ]; then
    die "kubectl has no usable context${CONTEXT:+ named $CONTEXT} (${view:-none}). Select the \
cluster with: ibmcloud ks cluster config --cluster $CLUSTER_NAME"
  fi
  IFS='|' read -r context cluster server <<<"$view"
  if is_cluster "$cluster" || is_cluster "$context"; then
    ok "context $context, cluster $cluster ($server)"
  else
    die "kubectl's context $context is cluster ${cluster:-?} ($server), not $CLUSTER_NAME. \
Nothing was changed. Select it with: ibmcloud ks cluster config --cluster $CLUSTER_NAME, or pass \
--context CONTEXT (kubectl config get-contexts lists them)."
  fi
}

# --- certificates and secrets ---
# Base64 through openssl: base64's own flags differ between Linux and macOS.
b64_file() { printf '%s' "$1" | openssl base64 -d -A >"$2" 2>/dev/null || true; }
file_b64() { openssl base64 -A <"$1"; }

# first_cert FILE OUT: the first certificate of FILE (the leaf of a chain).
first_cert() {
  awk '/-----BEGIN CERTIFICATE-----/ { n++ } n == 1 { print }
    /-----END CERTIFICATE-----/ && n == 1 { exit }' "$1" >"$2"
}
# facts FILE: subject, serial, dates, fingerprint and public key of FILE's first certificate, from
# one openssl call per file (openssl is slow to start), kept in $WORK_DIR while newer than FILE.
# Empty when FILE holds no readable certificate.
facts() {
  local cache="$WORK_DIR/facts/${1//\//_}"
  if [ ! "$cache" -nt "$1" ]; then
    if [ ! -d "$WORK_DIR/facts" ]; then mkdir "$WORK_DIR/facts"; fi
    x509 -inform PEM -noout -subject -serial -startdate -enddate -fingerprint -sha256 \
      -pubkey -in "$1" >"$cache" 2>/dev/null || : >"$cache"
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
  tr -d '\r' <"$1" | awk '/-----BEGIN / { on = 1 }
    on { gsub(/^[ \t]+|[ \t]+$/, ""); print } /-----END / { on = 0 }'
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
    printf "%d %s\n", int(left / 86400),
      (left <= 0 ? "expired" : (left * 3 <= na - nb ? "renew" : "ok"))
  }'
}

# covers FILE HOST: a DNS subjectAltName of the first certificate is HOST, or a wildcard for
# HOST's first label (RFC 6125: only subjectAltName counts, one label deep).
covers() {
  x509 -inform PEM -noout -text -in "$1" 2>/dev/null | awk -v host="$2" '
    BEGIN { host = tolower(host); parent = substr(host, index(host, ".")) }
    found_san {
      n = split($0, parts, ",")
      for (i = 1; i <= n; i++) {
        s = parts[i]
        gsub(/^[ \t]+|[ \t]+$/, "", s)
        if (s ~ /^DNS:/) {
          name = tolower(substr(s, 5))
          if (name == host || (substr(name, 1, 2) == "*." && substr(name, 2) == parent)) hit = 1
        }
      }
      found_san = 0
    }
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
  x509 -inform PEM -noout -purpose -in "$1" 2>/dev/null | grep -q "^$want"
}

# fetch_secrets NAMESPACE NAME [ONLY]: in one kubectl call, NAME and every other secret a script
# of this bundle reads (the bundle's own, IBM's NLB and ALB secrets) as NAMESPACE holds them, one
# line each: "NAME|BUNDLE-LABEL|TYPE|IMMUTABLE|{DATA}", into $WORK_DIR/secrets/NAMESPACE. A role
# that may read some of those names only (Forbidden): NAME alone, as ONLY asks.
fetch_secrets() {
  local ns=$1 name names=("$2") item
  item='{.metadata.name}{"|"}{.metadata.labels.istio-alb/bundle}{"|"}{.type}{"|"}{.immutable}'
  item+='{"|"}{.data}{"\n"}'
  if [ -z "${3:-}" ]; then
    for name in "$NLB_SECRET" "$ALB_SECRET" "$GATEWAY_CERT_SECRET" "${GATEWAY_KEY%%/*}" \
      "${CLIENT_CA%%/*}" "${ALB_CERT%%/*}" "${ALB_KEY%%/*}" "${ALB_CA%%/*}"; do
      case " ${names[*]} " in *" $name "*) ;; *) names+=("$name") ;; esac
    done
  fi
  # Two names or more make a List; one, the object itself.
  if [ "${#names[@]}" -gt 1 ]; then item="{range .items[*]}$item{end}"; fi
  mkdir -p "$WORK_DIR/secrets"
  printf '%s\n' "${names[*]}" >"$WORK_DIR/secrets/$ns.names"
  if ! k get secret "${names[@]}" -n "$ns" --ignore-not-found -o "jsonpath=$item" \
    >"$WORK_DIR/secrets/$ns" 2>"$WORK_DIR/read.err"; then
    rm -f "$WORK_DIR/secrets/$ns" "$WORK_DIR/secrets/$ns.names"
    if [ "${#names[@]}" -gt 1 ] && grep -q Forbidden "$WORK_DIR/read.err"; then
      fetch_secrets "$ns" "$2" only
      return 0
    fi
    die "cannot read secret(s) ${names[*]} in $ns: $(head -n 3 "$WORK_DIR/read.err")"
  fi
}

# read_secret NAMESPACE NAME DIR KEY...: the data keys of a secret, decoded into DIR/KEY (a key
# it lacks: no file). Returns 1 when the secret does not exist; sets SECRET_OWNER to its
# istio-alb/bundle label, SECRET_TYPE and SECRET_IMMUTABLE (true or empty). The first read in a
# namespace fetches the secrets of the bundle there (fetch_secrets); a write (apply_secret) makes
# the next read fetch again. A failing kubectl ends the script: an API error is never taken for
# "absent" (callers test it in an `if`, where bash's -e does not apply).
SECRET_OWNER=''
SECRET_TYPE=''
SECRET_IMMUTABLE=''
read_secret() {
  local ns=$1 name=$2 dir=$3 line='' each data key value fetched=''
  shift 3
  if [ -f "$WORK_DIR/secrets/$ns.names" ]; then fetched=$(<"$WORK_DIR/secrets/$ns.names"); fi
  case " $fetched " in
    *" $name "*) ;;
    *) fetch_secrets "$ns" "$name" ;;
  esac
  while IFS= read -r each; do
    if [ "${each%%|*}" = "$name" ]; then line=$each; fi
  done <"$WORK_DIR/secrets/$ns"
  if [ -z "$line" ]; then return 1; fi
  rm -rf "$dir"
  mkdir -p "$dir"
  IFS='|' read -r _ SECRET_OWNER SECRET_TYPE SECRET_IMMUTABLE data <<<"$line"
  # {"KEY":"BASE64",...}: neither keys nor base64 hold a quote, a comma or a colon.
  data=",${data//[\{\}\" ]/},"
  for key in "$@"; do
    value=${data#*,"$key":}
    if [ "$value" != "$data" ]; then b64_file "${value%%,*}" "$dir/$key"; fi
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
    if [ -n "$ns" ] && read_secret "$ns" "$name" "$dir" tls.crt tls.key &&
      [ "$SECRET_OWNER" != "$BUNDLE_ID" ]; then
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
      /"serial_number": *"/ && cur == want && !done {
        v = $0; sub(/.*"serial_number": *"/, "", v); sub(/".*/, "", v); sub(/^0+/, "", v)
        print tolower(v); done = 1
      }' || true
}

# restart_gateway: rolling restart of the gateway deployments, and wait for it (the classic
# gateway reads file-mounted certificates at start only).
restart_gateway() {
  local deploys d
  deploys="$(k get deployments.apps -n "$GATEWAY_NAMESPACE" -l istio=ingressgateway -o name)"
  if [ -z "$deploys" ]; then
    die "no deployment labelled istio=ingressgateway in $GATEWAY_NAMESPACE"
  fi
  while read -r d; do
    change rollout restart "$d" -n "$GATEWAY_NAMESPACE"
    if [ "$DRY_RUN" -eq 0 ]; then
      k rollout status "$d" -n "$GATEWAY_NAMESPACE" --timeout="${TIMEOUT}s" | sed 's/^/  /'
    fi
  done <<<"$deploys"
}

# GATEWAY_CHANGED: 1 once this run wrote a secret the classic gateway mounts.
GATEWAY_CHANGED=0

# restart_if_needed: restarts when the certificates the gateway mounts changed in this run
# (GATEWAY_CHANGED), or when a gateway pod serves another certificate than its secret holds (an
# earlier run stopped between writing the secret and restarting).
restart_if_needed() {
  local pods pod want got stale=''
  if [ "$GATEWAY_CHANGED" -eq 1 ]; then
    restart_gateway
    return 0
  fi
  want="$(serial "$WORK_DIR/new/$GATEWAY_CERT_SECRET/$GATEWAY_CERT_KEY")"
  pods="$(k get pods -n "$GATEWAY_NAMESPACE" -l istio=ingressgateway \
    -o 'jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}')"
  for pod in $pods; do
    got="$(loaded_file_serial "$pod" "/etc/istio/ingressgateway-certs/$GATEWAY_CERT_KEY")"
    if [ "$got" != "$want" ]; then stale="$stale $pod (serial ${got:-none})"; fi
  done
  if [ -n "$stale" ]; then
    note "gateway pod(s) serve another certificate than the secret (serial $want):$stale"
    restart_gateway
  else
    ok 'the gateway serves the certificate of its secret: no restart'
  fi
}

# --- writing secrets ---
# secret_json NAME TYPE DIR KEY...: the Secret in $GATEWAY_NAMESPACE as JSON, with this bundle's
# labels and annotation (the scripts' one writer of secrets).
secret_json() {
  local name=$1 type=$2 dir=$3 key sep=''
  shift 3
  printf '{"apiVersion":"v1","kind":"Secret",'
  printf '"metadata":{"name":"%s","namespace":"%s",' "$name" "$GATEWAY_NAMESPACE"
  printf '"labels":{"app.kubernetes.io/managed-by":"istio-alb",'
  printf '"istio-alb/bundle":"%s"},' "$BUNDLE_ID"
  printf '"annotations":{"istio-alb/bundle":"%s"}},' "$BUNDLE_DESCRIPTION"
  printf '"type":"%s","data":{' "$type"
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
    die "secret $GATEWAY_NAMESPACE/$name exists and was not created by this bundle \
(${SECRET_OWNER:-no istio-alb label}): not overwritten"
    fi
    # Refused by the API server only when written, after the manifests: asked here instead.
    if [ "$SECRET_TYPE" != "$type" ]; then
      die "secret $GATEWAY_NAMESPACE/$name has type $SECRET_TYPE, and this bundle writes \
$type: the API server does not change a secret's type. Delete it (kubectl delete secret $name \
-n $GATEWAY_NAMESPACE), then run $SCRIPT_NAME again"
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
          note "$name/$key: the cluster holds a later certificate (until $(enddate "$cur/$key")) \
than this one (until $(enddate "$src")): kept"
        else
          cp "$src" "$new/$key"
        fi
        ;;
      key:*)
        leaf=${role#key:}
        case "$kept" in
          *" $leaf "*)
            cp "$cur/$key" "$new/$key" 2>/dev/null ||
              die "$name/$key: the kept certificate has no key"
            ;;
          *) cp "$src" "$new/$key" ;;
        esac
        if same_file "$new/$leaf" "$cur/$leaf" && same_file "$new/$key" "$cur/$key"; then
          : # the pair the cluster holds, checked when it was written
        elif ! is_cert "$new/$leaf"; then
          die "$name/$leaf: not a readable certificate"
        elif ! same_key "$new/$leaf" "$new/$key"; then
          die "$name/$key: the private key does not belong to the certificate in $leaf: refusing \
to write a secret the gateway or ALB cannot load"
        fi
        ;;
      *)
        if same_pem "$cur/$key" "$src"; then
          cp "$cur/$key" "$new/$key"
        else
          cp "$src" "$new/$key"
        fi
        ;;
    esac
    if ! same_file "$new/$key" "$cur/$key"; then differs=1; fi
    i=$((i + 3))
  done
  if [ "$action" = update ] && [ "$differs" -eq 0 ]; then action=unchanged; fi
  if [ "$action" = update ] && [ "$SECRET_IMMUTABLE" = true ]; then
    die "secret $GATEWAY_NAMESPACE/$name is immutable, and its data would change: the API \
server refuses that. Delete it (kubectl delete secret $name -n $GATEWAY_NAMESPACE), then run \
$SCRIPT_NAME again"
  fi
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
  apply_in "$GATEWAY_NAMESPACE" "$WORK_DIR/$1.json"
  rm -f "$WORK_DIR/secrets/$GATEWAY_NAMESPACE.names"
  SECRETS_WRITTEN=$((SECRETS_WRITTEN + 1))
}

# apply_gateway_secret NAME: apply_secret of a secret the classic gateway mounts, which it reads
# only when it starts: GATEWAY_CHANGED=1 when it was written.
apply_gateway_secret() {
  local written=$SECRETS_WRITTEN
  apply_secret "$1"
  if [ "$SECRETS_WRITTEN" -gt "$written" ]; then GATEWAY_CHANGED=1; fi
}

# --- ownership: what this bundle created, and what it found ---
# inventory NAMESPACE RESOURCE...: kind, name and istio-alb/bundle label of every object of those
# resources in NAMESPACE (one kubectl call), into $WORK_DIR/inventory/NAMESPACE.
inventory() {
  if [ ! -d "$WORK_DIR/inventory" ]; then mkdir "$WORK_DIR/inventory"; fi
  local ns=$1 resources jp='jsonpath={range .items[*]}{.kind}{"|"}{.metadata.name}{"|"}'
  jp+='{.metadata.labels.istio-alb/bundle}{"\n"}{end}'
  shift
  resources="$(IFS=,; echo "$*")"
  if ! k get "$resources" -n "$ns" -o "$jp" >"$WORK_DIR/inventory/$ns" 2>"$WORK_DIR/inventory.err"
  then
    cat "$WORK_DIR/inventory.err" >&2
    return 1
  fi
}

# inventory_namespace: the app namespace (cluster-scoped) into $WORK_DIR/inventory/_cluster;
# NEW_NAMESPACE names it when install has yet to create it.
inventory_namespace() {
  if [ ! -d "$WORK_DIR/inventory" ]; then mkdir "$WORK_DIR/inventory"; fi
  local jp='jsonpath={.kind}{"|"}{.metadata.name}{"|"}{.metadata.labels.istio-alb/bundle}{"\n"}'
  k get namespace "$APP_NAMESPACE" --ignore-not-found -o "$jp" >"$WORK_DIR/inventory/_cluster"
  if [ ! -s "$WORK_DIR/inventory/_cluster" ]; then NEW_NAMESPACE=$APP_NAMESPACE; fi
}

# served_transport FILE: the ServersTransport as the cluster serves it (TRAEFIK_API): FILE, or a
# copy with the served apiVersion; sets TRANSPORT_FILE.
TRANSPORT_FILE=''
served_transport() {
  local written=traefik.io/v1alpha1
  TRANSPORT_FILE="$BUNDLE_DIR/$1"
  if [ "$TRAEFIK_API" != "$written" ]; then
    TRANSPORT_FILE="$WORK_DIR/${1##*/}"
    sed "s#^apiVersion: $written\$#apiVersion: $TRAEFIK_API#" "$BUNDLE_DIR/$1" >"$TRANSPORT_FILE"
    note "applying ${1##*/} as $TRAEFIK_API, the version this cluster serves"
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

# decide_file FILE POLICY [RESOURCE KIND NAMESPACE NAME]...: what install does with the objects
# of one manifest file, from their owners; the decision goes to $WORK_DIR/decision/FILE-NAME:
# apply (created, updated or shared), keep (left as they are) or label (a namespace that is not
# ours: only its istio-injection label is applied). Nothing is backed up or replaced: an object
# someone else made is shared, under server-side apply's rules (see check_conflicts).
REFUSED=''
decide_file() {
  local file=$1 policy=$2 action=apply resource kind ns name who at
  shift 2
  if [ ! -d "$WORK_DIR/decision" ]; then mkdir "$WORK_DIR/decision"; fi
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
  $kind $at exists and was not created by istio-alb: it may hold keys other gateways or \
Ingresses use. Delete it, or let this bundle own it: kubectl label $resource $name \
${ns:+-n $ns }app.kubernetes.io/managed-by=istio-alb istio-alb/bundle=$BUNDLE_ID, then run \
install.sh with --force-conflicts (its fields are its creator's)"
            ;;
          keep)
            note "$kind $at exists and was not created by istio-alb: used as it is, never \
changed or deleted by these scripts"
            action=keep
            ;;
          share)
            note "$kind $at exists and was not created by istio-alb: shared. install sets the \
fields of ${file##*/} under the field manager istio-alb; cleanup.sh gives them back and keeps \
the object"
            ;;
          *)
            note "$kind $at exists and was not created by istio-alb: only its \
istio-injection label is applied (field manager istio-alb); cleanup.sh gives it back"
            action=label
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

# check_conflicts [NAMESPACE FILE]...: before anything changes, asks the API server to apply the
# files under the field manager istio-alb as a dry run, in one call. A field another manager set
# to another value is a conflict, which kubectl names (manager and field, not the object); when
# the server refuses anything, one call per file says which, and install stops here. Files kept
# as they are, and those in a namespace install has yet to create (nothing there can conflict),
# are not asked.
check_conflicts() {
  local ns file out problems=''
  local -a files=()
  local args=(apply --server-side --field-manager=istio-alb --dry-run=server)
  if [ "$FORCE_CONFLICTS" -eq 1 ]; then args+=(--force-conflicts); fi
  while [ "$#" -ge 2 ]; do
    ns=$1 file=$2
    shift 2
    case "$(<"$WORK_DIR/decision/${file##*/}")" in keep | label) continue ;; esac
    if [ -n "$NEW_NAMESPACE" ] && [ "$ns" = "$NEW_NAMESPACE" ]; then continue; fi
    files+=("$file")
  done
  if [ "${#files[@]}" -eq 0 ]; then return 0; fi
  if out="$(k "${args[@]}" "${files[@]/#/--filename=}" 2>&1)"; then
    for file in "${files[@]}"; do ok "${file##*/}: the API server would accept it"; done
    return 0
  fi
  for file in "${files[@]}"; do
    if ! out="$(k "${args[@]}" -f "$file" 2>&1)"; then
      problems="$problems
  ${file##*/}: $out"
    fi
  done
  # Every file alone accepted: what refused the call of all of them is the answer.
  die "the API server would refuse these changes, so nothing was changed:${problems:-
  $out}
A conflict means another field manager set that field to another value (kubectl get -o yaml \
--show-managed-fields shows who): change it back, or run again with --force-conflicts to give \
it to istio-alb (cleanup.sh then removes it)."
}

# stub_json API KIND NAME [NAMESPACE [KEY=VALUE]]: an object with no field but its name (and
# that one label), to apply under istio-alb: what it then owns of the object is exactly that.
stub_json() {
  printf '{"apiVersion":"%s","kind":"%s","metadata":{"name":"%s"' "$1" "$2" "$3"
  if [ -n "${4:-}" ]; then printf ',"namespace":"%s"' "$4"; fi
  if [ -n "${5:-}" ]; then printf ',"labels":{"%s":"%s"}' "${5%%=*}" "${5#*=}"; fi
  printf '}}\n'
}

# apply_file FILE NAMESPACE [AS]: applies one manifest as decided; AS is a rewritten copy to send
# instead.
apply_file() {
  local path="${3:-$BUNDLE_DIR/$1}"
  case "$(<"$WORK_DIR/decision/${1##*/}")" in
    keep) ok "kept as it is: $1 not applied (its objects exist and are not istio-alb's)" ;;
    label)
      stub_json v1 Namespace "$APP_NAMESPACE" '' istio-injection=enabled >"$WORK_DIR/namespace.json"
      apply_in '' "$WORK_DIR/namespace.json"
      note "pods already running in $APP_NAMESPACE get their sidecar when they restart"
      ;;
    *) apply_in "$2" "$path" ;;
  esac
}

# --- renew's steps ---
# check_ibm_nlb_cert CA WHERE: IBM's current NLB certificate chains to CA, the CA the ALB trusts
# (WHERE: the secret and key the ALB reads it from), and covers the NLB host name. Writes
# $WORK_DIR/trusted.crt, that chain followed by CA (the classic procedure's trusted.crt).
check_ibm_nlb_cert() {
  first_cert "$WORK_DIR/ibm-nlb/tls.crt" "$WORK_DIR/ibm-nlb-leaf.crt"
  if ! openssl verify -CAfile "$1" "${CAFILE_ONLY[@]}" -untrusted "$WORK_DIR/ibm-nlb/tls.crt" \
    -purpose sslserver "$WORK_DIR/ibm-nlb-leaf.crt" >/dev/null 2>&1; then
    die "IBM's NLB certificate does not verify against the CA the ALB trusts ($2): nothing was \
changed. Check it with istio-alb check, update the settings and generate the bundle again."
  fi
  if ! covers "$WORK_DIR/ibm-nlb-leaf.crt" "$NLB_INGRESS_DOMAIN"; then
    die "IBM's NLB certificate does not cover $NLB_INGRESS_DOMAIN: nothing was changed"
  fi
  ok "IBM's NLB certificate chains to the CA the ALB trusts and covers $NLB_INGRESS_DOMAIN"
  cat "$WORK_DIR/ibm-nlb/tls.crt" "$1" >"$WORK_DIR/trusted.crt"
}

# renew_client SECRET CERT KEY: the ALB client certificate renew writes, into $CLIENT_DIR: the
# next one from the private CA (private-ca/) when the current one (SECRET's data keys CERT and
# KEY) is in the last third of its life or --force-client says so; on classic, IBM's ALB
# certificate when the client CA issued it for client authentication (the documented
# procedure); else the current one, kept.
CLIENT_DIR=''
renew_client() {
  local ca_key="$BUNDLE_DIR/private-ca/client-ca.key" ca="$BUNDLE_DIR/private-ca/client-ca.pem"
  local current="$WORK_DIR/cur-client" days state why
  CLIENT_DIR="$WORK_DIR/client"
  if ! read_secret "$GATEWAY_NAMESPACE" "$1" "$current" "$2" "$3" || [ ! -s "$current/$2" ]; then
    die "the ALB client certificate secret $1 is not in the cluster: run install.sh first"
  fi
  read -r days state <<<"$(lifetime "$current/$2")"
  if [ ! -f "$ca" ]; then ca="$BUNDLE_DIR/certs/client-ca.pem"; fi
  if [ -f "$ca_key" ] && { [ "$FORCE_CLIENT" -eq 1 ] || [ "$state" != ok ]; }; then
    issue_client "$ca" "$ca_key" "$CLIENT_DIR"
    why="the current one has $days day(s) left"
    if [ "$FORCE_CLIENT" -eq 1 ]; then why="$why; --force-client"; fi
    ok "issued the next ALB client certificate (serial $(serial "$CLIENT_DIR/tls.crt"), until \
$(enddate "$CLIENT_DIR/tls.crt")): $why"
    return 0
  fi
  if [ "$FORCE_CLIENT" -eq 1 ]; then
    die "--force-client needs the private CA's key at private-ca/client-ca.key (it is not there: \
you may have moved it offline, as the README suggests)"
  fi
  mkdir -p "$CLIENT_DIR"
  if [ "$PROFILE" = classic ] &&
    first_cert "$WORK_DIR/ibm-alb/tls.crt" "$WORK_DIR/ibm-alb-leaf.crt" &&
    openssl verify -CAfile "$BUNDLE_DIR/certs/client-ca.pem" "${CAFILE_ONLY[@]}" -untrusted \
      "$WORK_DIR/ibm-alb/tls.crt" -purpose sslclient "$WORK_DIR/ibm-alb-leaf.crt" >/dev/null 2>&1
  then
    cp "$WORK_DIR/ibm-alb/tls.crt" "$CLIENT_DIR/tls.crt"
    cp "$WORK_DIR/ibm-alb/tls.key" "$CLIENT_DIR/tls.key"
    ok "IBM's ALB certificate is the client certificate (the client CA issued it for client \
authentication), as documented"
    return 0
  fi
  cp "$current/$2" "$CLIENT_DIR/tls.crt"
  cp "$current/$3" "$CLIENT_DIR/tls.key"
  if [ "$state" = ok ]; then
    ok "the ALB client certificate has $days day(s) left, more than a third of its lifetime: kept"
  elif [ ! -f "$ca_key" ]; then
    warn "the ALB client certificate has $days day(s) left ($state) and the private CA's key is \
not at private-ca/client-ca.key: issue the next one with 'istio-alb ca issue DIR' (DIR holding \
client-ca.pem and client-ca.key), put it into the settings and run install.sh, or put the key \
back and run renew.sh"
  fi
}

# apply_alb_copy: renew writes the copy of IBM's ALB secret it planned (COPY_ALB).
apply_alb_copy() {
  if [ "$COPY_ALB" -eq 1 ]; then apply_secret "$ALB_SECRET"; fi
}

# finish_renew: renew's last words: nothing to renew, or how many secrets it wrote.
finish_renew() {
  if [ "$CHANGED" -eq 0 ]; then
    finish 'Nothing to renew: every secret already holds the newest certificates.'
  else
    finish "Renewed: $SECRETS_WRITTEN secret(s) written. Check the setup with: \
$BUNDLE_DIR/scripts/verify.sh"
  fi
}

# plan_alb_copy_renewal: renew's copy of IBM's ALB secret follows IBM's, unless someone else
# keeps the copy or IBM keeps its secret in the gateway namespace already; COPY_ALB=1 when planned.
COPY_ALB=0
plan_alb_copy_renewal() {
  COPY_ALB=0
  if read_secret "$GATEWAY_NAMESPACE" "$ALB_SECRET" "$WORK_DIR/alb-copy" tls.crt &&
    [ "$SECRET_OWNER" != "$BUNDLE_ID" ]; then
    note "$GATEWAY_NAMESPACE/$ALB_SECRET is not istio-alb's copy: left as it is"
  elif [ "$ALB_SECRET_NAMESPACE" != "$GATEWAY_NAMESPACE" ]; then
    COPY_ALB=1
    plan_alb_copy
  fi
}

# issue_client CA_CERT CA_KEY OUT_DIR: a fresh ALB client certificate and key from the private
# client CA, in OUT_DIR/tls.crt and tls.key, with the profile of `istio-alb ca issue`: ECDSA
# P-256, CA:FALSE, keyUsage digitalSignature (critical), extendedKeyUsage clientAuth only,
# authorityKeyIdentifier, a random 128-bit serial, 365 days.
issue_client() {
  local ca=$1 ca_key=$2 out=$3 name
  name="$(printf '%s' "$CLUSTER_NAME" | tr -cd 'A-Za-z0-9._-' | cut -c1-48)"
  rm -rf "$out"
  mkdir -p "$out"
  if ! same_key "$ca" "$ca_key"; then
    die "${ca_key#"$BUNDLE_DIR"/} is not the key of the client CA ${ca#"$BUNDLE_DIR"/}: \
no certificate issued"
  fi
  printf '%s\n' 'basicConstraints = critical, CA:FALSE' 'keyUsage = critical, digitalSignature' \
    'extendedKeyUsage = clientAuth' 'authorityKeyIdentifier = keyid' >"$out/ext.cnf"
  if ! {
    openssl ecparam -name prime256v1 -genkey -noout -out "$out/ec.key" &&
      openssl pkcs8 -topk8 -nocrypt -in "$out/ec.key" -out "$out/tls.key" &&
      openssl req -new -key "$out/tls.key" \
        -subj "/O=istio-alb private CA/OU=$name/CN=ALB client $name" -out "$out/client.csr" &&
      openssl x509 -req -in "$out/client.csr" -CA "$ca" -CAkey "$ca_key" \
        -set_serial "0x$(openssl rand -hex 16)" \
        -days 365 -sha256 -extfile "$out/ext.cnf" -out "$out/tls.crt"
  } >"$out/openssl.log" 2>&1; then
    die "openssl could not issue the client certificate: $(tail -n 3 "$out/openssl.log")"
  fi
  rm -f "$out/ec.key" "$out/client.csr"
  if ! openssl verify -CAfile "$ca" "${CAFILE_ONLY[@]}" -purpose sslclient "$out/tls.crt" \
    >/dev/null 2>&1 ||
    ! same_key "$out/tls.crt" "$out/tls.key"; then
    die "the issued client certificate does not verify against the client CA for client \
authentication"
  fi
}

# --- verification ---
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
    renew)
      soft "$1: $days day(s) left, in the last third of its lifetime (renew at about two thirds)" \
        "run renew.sh (IBM renews its own certificates before they expire; the copies follow \
only with renew.sh)"
      ;;
    expired)
      bad "$1: expired on $(enddate "$2")" \
        "run renew.sh; if IBM's certificate expired too, see ibmcloud ks nlb-dns ls \
--cluster $CLUSTER_NAME"
      ;;
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
    soft "secret $name exists but carries no label of this bundle (${SECRET_OWNER:-none})" \
      "install.sh refuses such secrets: was it replaced by hand?"
  fi
  i=0
  while [ "$i" -lt "${#parts[@]}" ]; do
    role=${parts[$i]} key=${parts[$((i + 1))]}
    i=$((i + 2))
    if [ ! -s "$dir/$key" ]; then
      bad "$name/$key is missing or empty" \
        "run install.sh (the secret lacks a key the gateway or ALB needs)"
      continue
    fi
    case "$role" in
      leaf:*)
        if ! is_cert "$dir/$key"; then
          bad "$name/$key is not a certificate" "run renew.sh or install.sh"
          continue
        fi
        if for_purpose "$dir/$key" "${role#leaf:}"; then
          pass "$name/$key: $(facts "$dir/$key" | sed -n 's/^subject= *//p'), for TLS \
${role#leaf:} authentication"
        else
          bad "$name/$key may not be used for TLS ${role#leaf:} authentication (extendedKeyUsage)" \
            "issue a certificate with the ${role#leaf:}Auth usage"
        fi
        check_dates "$name/$key" "$dir/$key"
        ;;
      key:*)
        if ! is_key "$dir/$key"; then
          bad "$name/$key is not a readable private key" "run install.sh"
        elif same_key "$dir/${role#key:}" "$dir/$key"; then
          pass "$name/$key belongs to the certificate in ${role#key:}"
        else
          bad "$name/$key does not belong to the certificate in ${role#key:}" \
            "run renew.sh (it writes matching pairs only) or install.sh"
        fi
        ;;
      *)
        if is_cert "$dir/$key" &&
          x509 -inform PEM -noout -text -in "$dir/$key" 2>/dev/null |
          grep -q 'CA:TRUE'; then
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
    soft "$1 holds an older certificate than IBM's (IBM's is valid until $(enddate "$3"))" \
      "run renew.sh"
  else
    soft "$1 differs from IBM's certificate (expected only when you use a certificate of \
your own)" \
      "run renew.sh to use IBM's"
  fi
}

# loaded_secret POD NAME: the certificate the gateway's Envoy holds as SDS secret NAME (Istio's
# kubernetes://SECRET, kubernetes-gateway://NS/SECRET or configmap://NS/NAME), from its
# config_dump (dynamic_active_secrets), decoded into $WORK_DIR/loaded.pem; 1 when absent.
loaded_secret() {
  local b64
  b64="$(k exec -n "$GATEWAY_NAMESPACE" "$1" -c istio-proxy -- \
    pilot-agent request GET 'config_dump?resource=dynamic_active_secrets' 2>/dev/null |
    tr ',{}[]' '\n' | awk -v want="$2" '
      /"name": *"/ { v = $0; sub(/.*"name": *"/, "", v); sub(/".*/, "", v); cur = v; next }
      /"inline_bytes": *"/ && cur == want && !done {
        v = $0; sub(/.*"inline_bytes": *"/, "", v); sub(/".*/, "", v); print v; done = 1
      }')" || true
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
  CODE="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 20 "$@" "$url" \
    2>"$WORK_DIR/curl.err")" || RC=$?
  ERR="$(head -n 1 "$WORK_DIR/curl.err")"
}

# answered_as_expected CODE: the expected status (or any non-5xx answer when none is set).
answered_as_expected() {
  if [ -n "$EXPECT_STATUS" ]; then
    [ "$1" = "$EXPECT_STATUS" ]
  else
    [ "$1" != 000 ] && [ "${1:0:1}" != 5 ]
  fi
}

# --- verify's steps: every check says ok, WARN or FAIL and the next step; verify goes on ---
# check_object POLICY KIND NAMESPACE NAME: an object of the bundle is in place (read from the
# inventory); with POLICY keep, one that someone else made counts as well.
check_object() {
  local at="$2 $3/$4"
  case "$(owner "$3" "$2" "$4")" in
    ours) pass "$at is in place" ;;
    absent) bad "$at is missing" 'run install.sh' ;;
    foreign)
      if [ "$1" = keep ]; then
        pass "$at exists (not istio-alb's: used as it is)"
      else
        bad "$at exists but is not this bundle's: it was replaced after install" 'run install.sh'
      fi
      ;;
    *)
      bad "$at belongs to another istio-alb bundle" "run install.sh after that bundle's cleanup.sh"
      ;;
  esac
}

# check_gateway_service: the gateway's Service has the settings' load balancer (classic: an IP,
# VPC: a host name); GW_PODS lists the gateway pods that run.
GW_PODS=''
check_gateway_service() {
  local field=ip what=IP want=$INGRESS_HOST setting='Ingress gateway IP' lbs
  local jp='jsonpath={range .items[*]}{.metadata.name}{"|"}{.status.phase}{"\n"}{end}'
  if [ "$INFRASTRUCTURE" = vpc ]; then
    field=hostname what='host name' want=$LB_HOST setting='Load balancer host name'
  fi
  lbs="$(k get svc istio-ingressgateway -n "$GATEWAY_NAMESPACE" \
    -o "jsonpath={.status.loadBalancer.ingress[*].$field}" 2>/dev/null || true)"
  if grep -qxF -- "$want" <<<"$(tr ' ' '\n' <<<"$lbs")"; then
    pass "service istio-ingressgateway has the load balancer $what $want"
  else
    bad "service istio-ingressgateway has load balancer $what(s) '$lbs', the settings say $want" \
      "fix the $setting in the settings (and the NLB host name registration), or the service"
  fi
  GW_PODS="$(k get pods -n "$GATEWAY_NAMESPACE" -l istio=ingressgateway -o "$jp" 2>/dev/null |
    awk -F'|' '$2 == "Running" { print $1 }')"
  if [ -n "$GW_PODS" ]; then
    pass "gateway pod(s) running: $(tr '\n' ' ' <<<"$GW_PODS")"
  else
    bad "no running pod labelled istio=ingressgateway in $GATEWAY_NAMESPACE" "kubectl get pods \
-n $GATEWAY_NAMESPACE; kubectl describe deployment istio-ingressgateway -n $GATEWAY_NAMESPACE"
  fi
}

# check_alb_tls_copy: the copy of IBM's ALB secret that the Ingress names, key matching.
check_alb_tls_copy() {
  local dir="$WORK_DIR/s/alb-copy"
  if ! read_secret "$GATEWAY_NAMESPACE" "$ALB_SECRET" "$dir" tls.crt tls.key; then
    bad "the ALB's TLS secret $ALB_SECRET is not in $GATEWAY_NAMESPACE (the Ingress names it)" \
      'run install.sh'
    return 0
  fi
  if [ -s "$dir/tls.key" ] && same_key "$dir/tls.crt" "$dir/tls.key"; then
    pass "the ALB's TLS secret $ALB_SECRET is in $GATEWAY_NAMESPACE, key matching"
  else
    bad "the ALB's TLS secret $GATEWAY_NAMESPACE/$ALB_SECRET has no matching key" 'run renew.sh'
  fi
  check_dates "$ALB_SECRET/tls.crt" "$dir/tls.crt"
}

# check_trust: the gateway certificate covers the NLB host name and verifies against the CA the
# ALB trusts; the ALB's client certificate verifies against the gateway's client CA, for client
# authentication. Each file is SECRET/KEY as read by check_secret.
check_trust() {
  local d="$WORK_DIR/s" chain="$WORK_DIR/s/$GATEWAY_CERT_SECRET/$GATEWAY_CERT_KEY"
  first_cert "$chain" "$WORK_DIR/gw-leaf.pem" 2>/dev/null || true
  if [ -s "$WORK_DIR/gw-leaf.pem" ] && covers "$WORK_DIR/gw-leaf.pem" "$NLB_INGRESS_DOMAIN"; then
    pass "the gateway certificate covers $NLB_INGRESS_DOMAIN"
  else
    bad "the gateway certificate does not cover $NLB_INGRESS_DOMAIN (subjectAltName)" \
      'give the certificate of the NLB host name as nlb_cert'
  fi
  if openssl verify -CAfile "$d/$ALB_CA" "${CAFILE_ONLY[@]}" -untrusted "$chain" \
    -purpose sslserver "$WORK_DIR/gw-leaf.pem" >/dev/null 2>&1; then
    pass "the ALB trusts the gateway certificate ($ALB_CA)"
  else
    bad "the CA the ALB trusts ($ALB_CA) does not verify the gateway certificate" \
      'run renew.sh; if IBM moved to another root, generate the bundle again with its CA'
  fi
  first_cert "$d/$ALB_CERT" "$WORK_DIR/alb-leaf.pem" 2>/dev/null || true
  if openssl verify -CAfile "$d/$CLIENT_CA" "${CAFILE_ONLY[@]}" -untrusted "$d/$ALB_CERT" \
    -purpose sslclient "$WORK_DIR/alb-leaf.pem" >/dev/null 2>&1; then
    pass "the gateway trusts the ALB client certificate for client authentication ($CLIENT_CA)"
  else
    bad "the gateway's client CA ($CLIENT_CA) does not verify the ALB client certificate for \
client authentication" "issue the client certificate from the client CA, with clientAuth \
(renew.sh does, with private-ca/client-ca.key)"
  fi
}

# check_ibm_copies: IBM's secrets are where the settings say, and the bundle's copies hold IBM's
# current certificates.
check_ibm_copies() {
  local nlb=("$NLB_SECRET_NS") alb=("$ALB_SECRET_NS")
  if [ -z "$NLB_SECRET_NS" ]; then nlb=("$IBM_DEFAULT_NAMESPACE" "$GATEWAY_NAMESPACE"); fi
  if [ -z "$ALB_SECRET_NS" ]; then alb=("$IBM_DEFAULT_NAMESPACE" "$GATEWAY_NAMESPACE"); fi
  if read_ibm_secret "$NLB_SECRET" "$WORK_DIR/ibm-nlb" "${nlb[@]}"; then
    pass "IBM's NLB secret is $FOUND_NS/$NLB_SECRET"
  else
    bad "IBM's NLB secret $NLB_SECRET is not in namespace(s) ${nlb[*]}" "pass --secret-namespace \
NS if IBM keeps it elsewhere (nlb-dns create --secret-namespace)"
  fi
  if read_ibm_secret "$ALB_SECRET" "$WORK_DIR/ibm-alb" "${alb[@]}"; then
    pass "IBM's ALB secret is $FOUND_NS/$ALB_SECRET"
  else
    bad "IBM's ALB secret $ALB_SECRET is not in namespace(s) ${alb[*]}" \
      'pass --alb-secret-namespace NS if IBM keeps it elsewhere'
  fi
  check_copy "the gateway certificate in $GATEWAY_CERT_SECRET/$GATEWAY_CERT_KEY" \
    "$WORK_DIR/gw-leaf.pem" "$WORK_DIR/ibm-nlb/tls.crt"
  if [ "$ALB_SECRET_COPY" = true ]; then
    check_copy "the ALB TLS secret $GATEWAY_NAMESPACE/$ALB_SECRET" "$WORK_DIR/s/alb-copy/tls.crt" \
      "$WORK_DIR/ibm-alb/tls.crt"
  fi
}

# check_gateway_api_status GATEWAY ROUTE: Istio has programmed the Gateway and accepted the route.
check_gateway_api_status() {
  local problems
  problems="$(gateway_api_status "$1" "$2")"
  if [ -z "$problems" ]; then
    pass "Gateway $1 is Programmed, HTTPRoute $2 Accepted, their references resolved"
  else
    bad "$problems" "kubectl describe gateways.gateway.networking.k8s.io $1 -n \
$GATEWAY_NAMESPACE; kubectl logs -n $GATEWAY_NAMESPACE -l app=istiod"
  fi
}

# check_envoy [CONFIGMAP]: each gateway pod's Envoy serves the certificate of the secret (same
# serial) and holds the bundle's client CA. Istio names its SDS secrets kubernetes://SECRET (and
# its -cacert) for its own Gateway, kubernetes-gateway://NS/SECRET and configmap://NS/CONFIGMAP
# for a Gateway API one; the classic gateway reads mounted files instead.
check_envoy() {
  local pod want got logs cert="kubernetes://$GATEWAY_CERT_SECRET" ca
  local restart="kubectl rollout restart deployment -n $GATEWAY_NAMESPACE -l istio=ingressgateway"
  ca="$cert-cacert"
  if [ "$GATEWAY_CONFIG" = gateway-api ]; then
    cert="kubernetes-gateway://$GATEWAY_NAMESPACE/$GATEWAY_CERT_SECRET"
    ca="configmap://$GATEWAY_NAMESPACE/${1:-}"
  fi
  for pod in $GW_PODS; do
    want="$(serial "$WORK_DIR/gw-leaf.pem")"
    logs="kubectl logs -n $GATEWAY_NAMESPACE $pod"
    if [ "$PROFILE" = classic ]; then
      check_envoy_file "$pod" "$want"
    elif ! loaded_secret "$pod" "$cert"; then
      bad "$pod: Envoy holds no secret $cert (config_dump, dynamic_active_secrets)" "check that \
the Gateway names the secret $GATEWAY_CERT_SECRET and that it is in $GATEWAY_NAMESPACE; $logs"
    elif [ "$(serial "$WORK_DIR/loaded.pem")" = "$want" ]; then
      pass "$pod: Envoy serves $cert, serial $want, as in the secret"
    else
      got="$(serial "$WORK_DIR/loaded.pem")"
      bad "$pod: Envoy serves $cert with serial $got, the secret holds $want" \
        "the gateway did not reload it: $logs; $restart"
    fi
    if [ "$PROFILE" = classic ]; then continue; fi
    if loaded_secret "$pod" "$ca" && same_cert "$WORK_DIR/loaded.pem" "$WORK_DIR/s/$CLIENT_CA"; then
      pass "$pod: Envoy holds $ca, the client CA of the bundle"
    else
      bad "$pod: Envoy does not hold the bundle's client CA as $ca" "$logs"
    fi
  done
}

# check_envoy_file POD SERIAL: the classic gateway's Envoy serves the mounted certificate.
check_envoy_file() {
  local file=/etc/istio/ingressgateway-certs/tls.crt got
  got="$(loaded_file_serial "$1" "$file")"
  if [ -z "$got" ]; then
    bad "$1: Envoy lists no certificate from $file (/certs)" "kubectl logs -n \
$GATEWAY_NAMESPACE $1; check the Gateway's serverCertificate path"
  elif [ "$got" = "$2" ]; then
    pass "$1: Envoy serves $file, serial $2, as in the secret"
  else
    bad "$1: Envoy serves serial $got, the secret holds $2" "the gateway reads mounted \
certificates at start only: kubectl rollout restart deployment -n $GATEWAY_NAMESPACE -l \
istio=ingressgateway (renew.sh does this when they change)"
  fi
}

# check_alb_pods: the ALB's pods run in kube-system.
check_alb_pods() {
  local albs jp='jsonpath={range .items[*]}{.metadata.name}{"|"}{.status.phase}{"\n"}{end}'
  albs="$(k get pods -n kube-system -o "$jp" 2>/dev/null |
    awk -F'|' '$1 ~ /alb/ && $2 == "Running" { print $1 }')"
  if [ -n "$albs" ]; then
    pass "ALB pod(s) running: $(tr '\n' ' ' <<<"$albs")"
  else
    bad 'no running ALB pod in kube-system' "ibmcloud ks ingress alb ls --cluster $CLUSTER_NAME"
  fi
}

# check_traefik_pickup SERVICE TRANSPORT: Traefik has picked up the ServersTransport: the Service
# names it (the provider's NAMESPACE-NAME@kubernetescrd), and no Traefik pod logged an error
# about it in the last day. The request through the ALB at the end proves it was used: the
# gateway admits only mutual TLS, and only the transport holds the client certificate.
check_traefik_pickup() {
  local want="$GATEWAY_NAMESPACE-$2@kubernetescrd" ref pods pod errors=''
  local jp='jsonpath={.metadata.annotations.traefik\.ingress\.kubernetes\.io/'
  jp+='service\.serverstransport}'
  ref="$(k get svc "$1" -n "$GATEWAY_NAMESPACE" -o "$jp" 2>/dev/null || true)"
  if [ "$ref" = "$want" ]; then
    pass "service $1 sends Traefik through the transport $ref"
  else
    bad "service $1 names the transport '$ref', not $want" 'run install.sh'
  fi
  jp='jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}'
  pods="$(k get pods -n kube-system -o "$jp" 2>/dev/null | grep -i traefik || true)"
  if [ -z "$pods" ]; then
    bad 'no Traefik pod in kube-system' "ibmcloud ks ingress alb ls --cluster $CLUSTER_NAME (the \
ALB must be Traefik)"
    return 0
  fi
  for pod in $pods; do
    errors="$errors$(k logs -n kube-system "$pod" --since=24h 2>/dev/null | grep -i 'error' |
      grep -F -- "$2" | tail -n 2 || true)"
  done
  if [ -n "$errors" ]; then
    bad "Traefik logged errors about the transport $2: $errors" "kubectl get \
serverstransports.traefik.io $2 -n $GATEWAY_NAMESPACE -o yaml; its secrets must be in \
$GATEWAY_NAMESPACE"
  else
    pass "Traefik logged no error about the transport $2 in the last 24 hours"
  fi
}

# check_mtls_to_gateway: the gateway answers the ALB's own client certificate, and refuses a
# request without one in the TLS handshake (which counts only once the first one succeeded).
check_mtls_to_gateway() {
  local url="https://$NLB_INGRESS_DOMAIN$TEST_PATH" d="$WORK_DIR/s" positive=0
  local route="kubectl get virtualservice -n $GATEWAY_NAMESPACE"
  local mtls="kubectl get gateway -n $GATEWAY_NAMESPACE -o yaml (tls.mode must be MUTUAL)"
  local logs="kubectl logs -n $GATEWAY_NAMESPACE -l istio=ingressgateway"
  if [ "$GATEWAY_CONFIG" = gateway-api ]; then
    route="kubectl describe httproutes.gateway.networking.k8s.io -n $APP_NAMESPACE"
    mtls="kubectl get gateways.gateway.networking.k8s.io -n $GATEWAY_NAMESPACE -o yaml \
(spec.tls.frontend.default.validation must say AllowValidOnly)"
  fi
  request "$url" --cacert "$d/$ALB_CA" --capath "$NO_CAS" --cert "$d/$ALB_CERT" \
    --key "$d/$ALB_KEY"
  if [ "$RC" -eq 0 ] && answered_as_expected "$CODE"; then
    positive=1
    pass "$url with the ALB's client certificate answered $CODE"
  elif [ "$RC" -eq 0 ]; then
    bad "$url with the ALB's client certificate answered $CODE, expected \
${EXPECT_STATUS:-a non-5xx status}" "$route; $logs"
  else
    bad "$url with the ALB's client certificate failed (curl $RC: $ERR)" "check DNS and the \
gateway service; $logs"
  fi
  request "$url" --cacert "$d/$ALB_CA" --capath "$NO_CAS"
  if [ "$positive" -eq 0 ]; then
    soft "the refusal without a client certificate proves nothing while the request with one \
fails: not counted" 'fix the request above first'
  elif [ "$RC" -eq 0 ]; then
    bad "$url answered $CODE without a client certificate: mutual TLS is not enforced" "$mtls"
  elif [ "$RC" -eq 35 ] || { [ "$RC" -eq 56 ] && grep -qiE 'alert|ssl|tls' <<<"$ERR"; }; then
    pass "refused without a client certificate, in the TLS handshake (curl $RC: $ERR)"
  else
    bad "without a client certificate the request failed with curl $RC ($ERR), not a TLS \
refusal: inconclusive" 'run verify.sh again; check the network path to the gateway'
  fi
}

# check_through_alb: the app answers through the ALB, as a user's request would go.
check_through_alb() {
  local url="https://$ALB_HOST$TEST_PATH" proof='' hint="kubectl logs -n kube-system <alb pod> \
(its NGINX log); kubectl describe ingress alb-ingress -n $GATEWAY_NAMESPACE"
  if [ "$ALB" = traefik ]; then
    proof=" (the gateway admits only mutual TLS: Traefik presented the transport's client \
certificate)"
    hint="kubectl logs -n kube-system <traefik pod>; kubectl describe \
serverstransports.traefik.io alb-to-gateway -n $GATEWAY_NAMESPACE"
  fi
  request "$url"
  if [ "$RC" -eq 0 ] && answered_as_expected "$CODE"; then
    pass "$url answered $CODE$proof"
  else
    bad "$url answered $CODE (curl $RC${ERR:+: $ERR})" "$hint"
  fi
}

# report: how many checks ran, failed and warned; the exit status is 1 when one failed.
report() {
  echo
  echo "$CHECKS check(s): $FAILS failed, $WARNINGS warning(s)."
  if [ "$FAILS" -gt 0 ]; then exit 1; fi
  echo 'All checks passed.'
}

# --- cleanup: by label, in reverse install order ---

# SELECTOR: the label of this bundle's objects; PLAN: what cleanup will do, a line each.
SELECTOR=''
PLAN=''
start_plan() {
  SELECTOR="istio-alb/bundle=$BUNDLE_ID"
  PLAN="$WORK_DIR/plan"
  : >"$PLAN"
}

# show_cleanup_plan: what cleanup will do, in order; it ends here when there is nothing to do.
show_cleanup_plan() {
  if [ ! -s "$PLAN" ]; then
    echo
    echo "Nothing to clean up: no object of this bundle in cluster $CLUSTER_NAME."
    exit 0
  fi
  echo
  echo "cleanup.sh will, in this order, in cluster $CLUSTER_NAME:"
  show_plan
}

# confirm: asks before anything is deleted (--yes when stdin is not a terminal); a dry run asks
# nothing, and any answer but yes ends cleanup.
confirm() {
  local answer=''
  if [ "$DRY_RUN" -eq 1 ]; then
    ok 'dry run: each change is sent with --dry-run=server, nothing is deleted'
  elif [ "$ASSUME_YES" -eq 1 ]; then
    ok 'confirmed by --yes'
  elif [ ! -t 0 ]; then
    die "stdin is not a terminal, so nothing was deleted: review the plan above and run \
cleanup.sh --yes"
  else
    read -r -p 'Go ahead? [y/N] ' answer || true
    case "$answer" in
      y | Y | yes) ;;
      *)
        echo 'Nothing deleted.'
        exit 0
        ;;
    esac
  fi
}

# collect RESOURCE KIND NAMESPACE: cleanup will plan what happens to every RESOURCE (objects of
# KIND) in NAMESPACE that carries this bundle's label, in the order of the collect calls
# (plan_collected).
collect() { printf '%s|%s|%s\n' "$1" "$2" "$3" >>"$WORK_DIR/collect"; }

# plan_collected: lists every collected RESOURCE of a namespace in one call (each object's
# managers come with it), then plans, in the order collected: deleted when istio-alb alone made
# it; given back (its istio-alb fields released) when it existed before install or another
# manager has changed it since. A status writer, and kube-controller-manager's bookkeeping on a
# Deployment (its revision annotation), do not count as other managers.
plan_collected() {
  local jp resource kind ns resources
  jp='jsonpath={range .items[*]}{.apiVersion}{"|"}{.kind}{"|"}{.metadata.name}{"|"}'
  jp+='{range .metadata.managedFields[*]}{.manager}{":"}{.subresource}{","}{end}{"\n"}{end}'
  if [ ! -f "$WORK_DIR/collect" ]; then return 0; fi
  mkdir -p "$WORK_DIR/listed"
  awk -F'|' '!seen[$3]++ { print $3 }' "$WORK_DIR/collect" >"$WORK_DIR/collect.ns"
  while IFS= read -r ns; do
    resources="$(awk -F'|' -v ns="$ns" '$3 == ns { r = r sep $1; sep = "," } END { print r }' \
      "$WORK_DIR/collect")"
    if ! k get "$resources" -n "$ns" -l "$SELECTOR" --show-managed-fields -o "$jp" \
      >"$WORK_DIR/listed/$ns" 2>"$WORK_DIR/get.err"; then
      cat "$WORK_DIR/get.err" >&2
      return 1
    fi
  done <"$WORK_DIR/collect.ns"
  # Each object named as `kubectl get -o name` names it (kind.group/name), its other managers
  # sorted: "release|NS|OBJECT|MANAGER ..." or "delete|NS|OBJECT|".
  while IFS='|' read -r resource kind ns; do
    awk -F'|' -v ns="$ns" -v kind="$kind" -v group="${resource#*.}" -v plain="$resource" '
      $3 == "" || $2 != kind { next }
      {
        slash = index($1, "/")
        if ((slash ? substr($1, 1, slash - 1) : "") != (group == plain ? "" : group)) next
        object = tolower($2) (slash ? "." substr($1, 1, slash - 1) : "") "/" $3
        n = split($4, fields, ",")
        others = ""
        for (i = 1; i <= n; i++) {
          split(fields[i], f, ":")
          if (f[1] == "" || f[1] == "istio-alb" || f[1] == "kube-controller-manager") continue
          if (f[2] != "" || index(" " others, " " f[1] " ")) continue
          others = others f[1] " "
        }
        if (others == "") { print "delete|" ns "|" object "|"; next }
        n = split(others, names, " ")
        for (i = 2; i <= n; i++)
          for (j = i; j > 1 && names[j - 1] > names[j]; j--) {
            t = names[j]; names[j] = names[j - 1]; names[j - 1] = t
          }
        others = ""
        for (i = 1; i <= n; i++) others = others names[i] " "
        print "release|" ns "|" object "|" others
      }' "$WORK_DIR/listed/$ns" >>"$PLAN"
  done <"$WORK_DIR/collect"
}

# collect_namespace NAMESPACE: plans deleting the namespace when install created it and it
# holds nothing but this bundle's objects, else giving back the label install applied to it.
# Every namespaced kind the API server lists is asked (a NetworkPolicy, Role or custom resource
# that someone added counts, whatever its kind), but Events, what Kubernetes and Istio put in
# every namespace, and objects that have an owner (they go with it, and the owner is asked
# itself).
collect_namespace() {
  local ns=$1 labels mine others kinds jp
  labels="$(k get namespace "$ns" --ignore-not-found \
    -o 'jsonpath={.metadata.name}{"|"}{.metadata.labels.istio-alb/bundle}')"
  if [ -z "$labels" ]; then return 0; fi
  if [ "$labels" != "$ns|$BUNDLE_ID" ]; then
    jp='jsonpath={.metadata.managedFields[?(@.manager=="istio-alb")].manager}'
    if ! mine="$(k get namespace "$ns" --show-managed-fields -o "$jp" 2>"$WORK_DIR/get.err")"
    then
      cat "$WORK_DIR/get.err" >&2
      return 1
    fi
    if [ -n "$mine" ]; then
      printf 'release||namespace/%s|the owners of namespace %s\n' "$ns" "$ns" >>"$PLAN"
    fi
    return 0
  fi
  if ! kinds="$(k api-resources --verbs=list --namespaced -o name 2>"$WORK_DIR/get.err")"; then
    cat "$WORK_DIR/get.err" >&2
    return 1
  fi
  kinds="$(grep -vxE 'events|events\.events\.k8s\.io' <<<"$kinds" | tr '\n' ',')"
  jp='jsonpath={range .items[*]}{.kind}/{.metadata.name}{"|"}'
  jp+='{.metadata.ownerReferences[*].kind}{"\n"}{end}'
  if ! others="$(k get "${kinds%,}" -n "$ns" -l 'istio-alb/bundle!='"$BUNDLE_ID" -o "$jp" \
    2>"$WORK_DIR/get.err")"; then
    cat "$WORK_DIR/get.err" >&2
    return 1
  fi
  others="$(awk -F'|' '$1 != "" && $2 == "" { print $1 }' <<<"$others" |
    grep -vxE -e 'ConfigMap/(kube-root-ca\.crt|istio-ca-root-cert)' \
      -e 'ServiceAccount/default|Secret/default-token-[a-z0-9]+' || true)"
  if [ -z "$others" ]; then
    printf 'delete||namespace/%s|\n' "$ns" >>"$PLAN"
  else
    printf 'keepns|%s||%s\n' "$ns" "$(tr '\n' ' ' <<<"$others")" >>"$PLAN"
  fi
}

# show_plan: exactly what cleanup.sh will do, in order.
show_plan() {
  local action ns what who
  while IFS='|' read -r action ns what who; do
    case "$action" in
      delete) printf '  delete   %s%s\n' "$what" "${ns:+ in $ns}" ;;
      release)
        printf '  give back  %s%s: the fields istio-alb set are removed, the object stays (%s)\n' \
          "$what" "${ns:+ in $ns}" "${who% }"
        ;;
      keepns)
        printf '  keep     namespace %s: install created it, but it also holds %s\n' "$ns" "$who"
        ;;
    esac
  done <"$PLAN"
}

# release OBJECT NAMESPACE: applies, under istio-alb, the object with no field but its name: the
# API server removes every field only istio-alb set, and leaves what other managers set.
release() {
  local jp='jsonpath={.apiVersion}{"|"}{.kind}{"|"}{.metadata.name}' api kind name object
  object="$(k get "$1" ${2:+-n "$2"} -o "$jp")"
  IFS='|' read -r api kind name <<<"$object"
  stub_json "$api" "$kind" "$name" "$2" >"$WORK_DIR/release.json"
  apply_in "$2" "$WORK_DIR/release.json"
}

# delete_in NAMESPACE OBJECT...: deletes the OBJECTs (kind/name) in NAMESPACE, or cluster-wide
# when it is empty, in one call; kubectl deletes them in order.
delete_in() {
  local ns=$1
  shift
  change delete "$@" ${ns:+-n "$ns"} --ignore-not-found=true
}

# run_plan: does it, in order. Deletions in a row in one namespace are one call.
run_plan() {
  local action ns what who group_ns=''
  local -a group=()
  while IFS='|' read -r action ns what who <&3; do
    if [ "${#group[@]}" -gt 0 ] && { [ "$action" != delete ] || [ "$ns" != "$group_ns" ]; }; then
      delete_in "$group_ns" "${group[@]}"
      group=()
    fi
    case "$action" in
      delete)
        group+=("$what")
        group_ns=$ns
        ;;
      release) release "$what" "$ns" ;;
    esac
  done 3<"$PLAN"
  if [ "${#group[@]}" -gt 0 ]; then
    delete_in "$group_ns" "${group[@]}"
  fi
}
