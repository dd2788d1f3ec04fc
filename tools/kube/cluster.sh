#!/usr/bin/env bash
# A real Kubernetes control plane on 127.0.0.1, shaped like a new IBM Cloud Kubernetes Service
# cluster with the Istio add-on, for the bundle tests and for trying a bundle by hand.
#
#   cluster.sh build                    build the binaries once (cached), print their folder
#   cluster.sh up DIR [--bundle B [--nlb-cert F --nlb-key F]]
#                                       start the servers under DIR, write DIR/kubeconfig; with
#                                       --bundle, also what IBM made for B's settings (seed)
#   cluster.sh seed DIR B [F K]         IBM's part for bundle folder B: the load balancer's
#                                       address, IBM's NLB secret (B's certs/nlb.crt and .key,
#                                       or F and K) and ALB secret, the NLB registration
#   cluster.sh down DIR                 stop every process `up` started (by PID), remove DIR
#
# Real: etcd (embedded go.etcd.io/etcd/server), kube-apiserver, kube-controller-manager
# (namespaces, deployments, replica sets, garbage collection, service accounts), kube-scheduler
# and kubectl, all Kubernetes v1.36.3 built from ../go.mod; the CRDs as Istio (istio.io/api),
# Traefik (../../../shared/reference/schemas) and Gateway API (sigs.k8s.io/gateway-api) publish
# them. Simulated: no kubelet runs; kwok (sim/go.mod) gives pods a node and a Running, Ready
# status. IBM's own API (ibmcloud) and what runs inside pods are imitated by the tests' stand-ins
# (tests/tools/kube/), never here.
#
# Binaries live in ${XDG_CACHE_HOME:-$HOME/.cache}/istio-alb/kube-<key>/bin, keyed by the Go
# version and the hashes of go.mod/go.sum and our Go sources, so a fresh clone builds nothing
# that this machine already built. Nothing is downloaded but Go modules (from the module proxy).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS="$(dirname "$HERE")"
ROOT="$(dirname "$TOOLS")"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/istio-alb"
K8S_VERSION=v1.36.3
BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)

die() {
	printf 'kube: %s\n' "$*" >&2
	exit 1
}

go_env() {
	export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build" GOPATH="$CACHE/go/path"
	export GOFLAGS=-mod=readonly GOTOOLCHAIN=local
}

# The cache key: what pins the binaries.
key() {
	{
		go version
		cat "$TOOLS/go.mod" "$TOOLS/go.sum" "$HERE/sim/go.mod" "$HERE/sim/go.sum"
		find "$HERE/cmd" -name '*.go' | LC_ALL=C sort | xargs cat
	} | sha256sum | cut -c1-16
}

bin_dir() { printf '%s/kube-%s/bin\n' "$CACHE" "$(key)"; }

cmd_build() {
	local bin tmp started=$SECONDS ldflags missing=0 b
	command -v go >/dev/null || die "go is not installed (this machine kind has Go 1.26.8)"
	go_env
	bin="$(bin_dir)"
	for b in "${BINARIES[@]}"; do [[ -x "$bin/$b" ]] || missing=1; done
	if ((missing == 0)); then
		printf '%s\n' "$bin"
		return
	fi
	printf 'kube: building %s (Kubernetes %s) into %s; about 15 min on 2 cores the first time\n' \
		"${BINARIES[*]}" "$K8S_VERSION" "$bin" >&2
	tmp="$(dirname "$bin").tmp.$$"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	# What `kubectl version` and the server report (Kubernetes' own build sets these by ldflags).
	ldflags="-s -w"
	for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=36"
		ldflags+=" -X $pkg.gitTreeState=clean"
	done
	(cd "$TOOLS" && go build -ldflags "$ldflags" -o "$tmp/" \
		k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
		k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl ./kube/cmd/etcd) >&2
	(cd "$HERE/sim" && go build -ldflags "-s -w" -o "$tmp/" sigs.k8s.io/kwok/cmd/kwok) >&2
	# Everything the other Go packages of both modules import, so that `go vet` in ./dev test
	# (and the tests' Go verifiers) download nothing.
	(cd "$TOOLS" && go list -deps -test ./... >/dev/null && cd "$HERE/sim" && go list -deps ./... >/dev/null) >&2
	rm -rf "$bin"
	mkdir -p "$(dirname "$bin")"
	mv "$tmp" "$bin"
	printf 'kube: built in %d s\n' "$((SECONDS - started))" >&2
	printf '%s\n' "$bin"
}

# The folders of the modules whose CRDs we register (from the module cache, never downloaded at
# test time: `build` has fetched them with the rest of sim/go.mod).
module_dir() { (cd "$HERE/sim" && go_env && go list -m -f '{{.Dir}}' "$1"); }

# The project's venv (./dev setup) has PyYAML, pinned by tools/requirements.txt.
python() {
	local venv="${ISTIO_ALB_VENV:-$ROOT/.tools/venv}"
	[[ -x "$venv/bin/python3" ]] || die "no Python venv at $venv: run ./dev setup"
	printf '%s\n' "$venv/bin/python3"
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start NAME COMMAND...: in the background, in its own session, log and PID under DIR.
start() {
	local name=$1
	shift
	setsid "$@" >"$DIR/logs/$name.log" 2>&1 </dev/null &
	printf '%s\n' "$!" >"$DIR/pids/$name"
}

fail_start() {
	printf 'kube: %s did not become ready; the last lines of %s:\n' "$1" "$DIR/logs/$1.log" >&2
	tail -n 25 "$DIR/logs/$1.log" >&2 || true
	stop_all "$DIR"
	printf 'kube: stopped what was started; logs stay in %s until: %s down %s\n' "$DIR/logs" "$0" "$DIR" >&2
	exit 1
}

# wait_for NAME TENTHS COMMAND...: until COMMAND succeeds, the process dies, or time runs out.
wait_for() {
	local name=$1 tenths=$2 i
	shift 2
	for ((i = 0; i < tenths; i++)); do
		if "$@" >/dev/null 2>&1; then return 0; fi
		kill -0 "$(cat "$DIR/pids/$name")" 2>/dev/null || fail_start "$name"
		sleep 0.1
	done
	fail_start "$name"
}

write_pki() {
	local pki=$DIR/pki
	mkdir -p "$pki"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj /CN=istio-alb-test-cluster-ca -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=kube-apiserver \
		-keyout "$pki/apiserver.key" -out "$pki/apiserver.csr" 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n' >"$pki/san.ext"
	openssl x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
		-CAcreateserial -days 2 -extfile "$pki/san.ext" -out "$pki/apiserver.crt" 2>/dev/null
	openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
	openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
	TOKEN="$(openssl rand -hex 24)"
	printf '%s,admin,admin,system:masters\n' "$TOKEN" >"$pki/tokens.csv"
	chmod 600 "$pki"/*
}

write_kubeconfig() {
	local ca
	ca="$(openssl base64 -A <"$DIR/pki/ca.crt")"
	cat >"$DIR/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: istio-alb-test
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $ca
users:
- name: admin
  user:
    token: $TOKEN
contexts:
- name: istio-alb-test
  context:
    cluster: istio-alb-test
    user: admin
current-context: istio-alb-test
EOF
	chmod 600 "$DIR/kubeconfig"
}

# kubectl's cache (discovery, the OpenAPI documents apply reads: a few MB per cluster) lives in
# the cluster's folder, which `down` removes, not in ~/.kube/cache, which kept every test
# cluster's copy (1.6 GB on a developer machine after a day of test runs).
k() { KUBECACHEDIR="$DIR/cache" "$BIN/kubectl" --kubeconfig "$DIR/kubeconfig" "$@"; }

cmd_up() {
	local bundle="" nlb=() etcd_port peer_port kcm_port sched_port kwok_port started=$SECONDS
	DIR=${1:?up needs a folder}
	shift
	while (($#)); do
		case $1 in
		--bundle) bundle=${2:?--bundle needs a folder}; shift 2 ;;
		--nlb-cert) nlb[0]=${2:?--nlb-cert needs a file}; shift 2 ;;
		--nlb-key) nlb[1]=${2:?--nlb-key needs a file}; shift 2 ;;
		*) die "up: unknown argument '$1' (use --bundle FOLDER [--nlb-cert F --nlb-key F])" ;;
		esac
	done
	if [[ -e "$DIR" ]] && [[ -n "$(ls -A "$DIR")" ]]; then
		die "up: $DIR is not empty (run: $0 down $DIR)"
	fi
	BIN="$(cmd_build)"
	mkdir -p "$DIR/logs" "$DIR/pids" "$DIR/etcd"
	DIR="$(cd "$DIR" && pwd)"
	# A test that is killed cannot run `down`: with KUBE_OWNER_PID set, a watchdog does it once
	# that process is gone.
	if [[ -n "${KUBE_OWNER_PID:-}" ]]; then
		# shellcheck disable=SC2016 # expanded by the inner bash
		setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; exec "$2" down "$3"' \
			watchdog "$KUBE_OWNER_PID" "$HERE/cluster.sh" "$DIR" >/dev/null 2>&1 </dev/null &
		printf '%s\n' "$!" >"$DIR/watchdog.pid"
	fi
	write_pki
	etcd_port=$(free_port)
	peer_port=$(free_port)
	API_PORT=$(free_port)
	kcm_port=$(free_port)
	sched_port=$(free_port)
	kwok_port=$(free_port)

	start etcd "$BIN/etcd" --data-dir "$DIR/etcd" \
		--listen-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$peer_port"
	wait_for etcd 300 grep -q 'etcd: ready' "$DIR/logs/etcd.log"

	# --watch-cache=false: every read goes to etcd, as a small test cluster can afford. With the
	# watch cache, a new server answers the first list of each custom resource with 429 until
	# that resource's cache is filled (retry after 1 s, kind after kind): 8-15 s for the first
	# reset of a test cluster, measured; 2 s without it.
	start kube-apiserver "$BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
		--bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
		--tls-cert-file "$DIR/pki/apiserver.crt" --tls-private-key-file "$DIR/pki/apiserver.key" \
		--token-auth-file "$DIR/pki/tokens.csv" --authorization-mode RBAC \
		--service-account-issuer https://kubernetes.default.svc.cluster.local \
		--service-account-key-file "$DIR/pki/sa.pub" \
		--service-account-signing-key-file "$DIR/pki/sa.key" \
		--service-cluster-ip-range 172.21.0.0/16 --allow-privileged=true --watch-cache=false
	write_kubeconfig
	wait_for kube-apiserver 600 k get --raw /readyz

	start kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig "$DIR/kubeconfig" \
		--authentication-kubeconfig "$DIR/kubeconfig" --authorization-kubeconfig "$DIR/kubeconfig" \
		--bind-address 127.0.0.1 --secure-port "$kcm_port" --leader-elect=false \
		--controllers namespace-controller,deployment-controller,replicaset-controller,garbage-collector-controller,serviceaccount-controller,endpoints-controller,endpointslice-controller
	start kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$DIR/kubeconfig" \
		--authentication-kubeconfig "$DIR/kubeconfig" --authorization-kubeconfig "$DIR/kubeconfig" \
		--bind-address 127.0.0.1 --secure-port "$sched_port" --leader-elect=false
	# The CRDs, as their projects publish them.
	local istio gwapi
	istio="$(module_dir istio.io/api)"
	gwapi="$(module_dir sigs.k8s.io/gateway-api)"
	k apply --server-side --field-manager=cluster-setup \
		-f "$istio/kubernetes/customresourcedefinitions.gen.yaml" \
		-f "$ROOT/../shared/reference/schemas/traefik.io_serverstransports.yaml" \
		-f "$gwapi/config/crd/standard/" >"$DIR/logs/crds.log"
	k wait --for condition=Established --timeout 60s crd --all >>"$DIR/logs/crds.log"

	# kwok's "fast" stages, as its project publishes them: nodes ready, pods Running and Ready at
	# once, deleted pods gone. No heartbeat and no node-lifecycle controller: a late heartbeat on
	# a busy machine would mark the pods NotReady in the middle of a test. And our imitation of
	# istiod's Gateway API status (stages/gateway-api.yaml), which needs the CRDs first.
	local stages
	stages="$(module_dir sigs.k8s.io/kwok)/kustomize/stage"
	start kwok "$BIN/kwok" --kubeconfig "$DIR/kubeconfig" --manage-all-nodes=false \
		--manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
		--server-address "127.0.0.1:$kwok_port" --node-ip 127.0.0.1 \
		-c "$stages/node/fast/node-initialize.yaml" \
		-c "$stages/pod/fast/pod-ready.yaml" -c "$stages/pod/fast/pod-complete.yaml" \
		-c "$stages/pod/fast/pod-delete.yaml" -c "$HERE/stages/gateway-api.yaml"

	wait_for kube-controller-manager 300 k get serviceaccount default -n default
	wait_for kwok 100 grep -q 'Starting' "$DIR/logs/kwok.log"
	k apply --server-side --field-manager=cluster-setup -f "$HERE/iks-base.yaml" >"$DIR/logs/base.log"
	# The API server taints a new node not-ready; the node-lifecycle controller, which does not
	# run here, would lift it once the node reports Ready.
	k taint node kube-node-1 node.kubernetes.io/not-ready:NoSchedule- >>"$DIR/logs/base.log"
	k wait --for condition=Available --timeout 60s deployment --all -A >>"$DIR/logs/base.log" ||
		fail_start kwok
	if [[ -n "$bundle" ]]; then cmd_seed "$DIR" "$bundle" "${nlb[@]}"; fi
	printf 'kube: up in %d s; API server https://127.0.0.1:%s\n' "$((SECONDS - started))" "$API_PORT" >&2
	printf '%s\n' "$DIR/kubeconfig"
}

# IBM's part for one bundle's settings: the gateway load balancer's address (an IP, or a host
# name on VPC), IBM's NLB secret where the settings say IBM keeps it, IBM's ALB secret, and the
# NLB host name's registration (for the ibmcloud stand-in: DIR/iks.json).
cmd_seed() {
	DIR="$(cd "${1:?seed needs a folder}" && pwd)"
	local bundle="${2:?seed needs a bundle folder}"
	shift 2
	BIN="$(cmd_build)"
	bundle="$(cd "$bundle" && pwd)"
	"$(python)" "$HERE/iks.py" "$bundle" "$DIR/iks.json" "$@" >"$DIR/seed.json"
	k apply --server-side --field-manager=ibm-cloud -f "$DIR/seed.json" >>"$DIR/logs/base.log"
	python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["load_balancer"]))' \
		"$DIR/iks.json" >"$DIR/lb-status.json"
	k patch service istio-ingressgateway -n istio-system --subresource status --type merge \
		--patch-file "$DIR/lb-status.json" >>"$DIR/logs/base.log"
	write_env "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["cluster"])' "$DIR/iks.json")"
}

# DIR/env.sh, to source before running a bundle's scripts by hand: a kubeconfig whose context is
# named as `ibmcloud ks cluster config` names it (the scripts check it), the real kubectl, and
# the tests' stand-ins for what cannot run here (ibmcloud, curl to public names, exec/logs).
write_env() {
	local cluster=$1
	sed "s#istio-alb-test#$cluster/c0ffee00#g" "$DIR/kubeconfig" >"$DIR/kubeconfig-$cluster"
	chmod 600 "$DIR/kubeconfig-$cluster"
	cat >"$DIR/env.sh" <<EOF
export KUBECONFIG='$DIR/kubeconfig-$cluster' KUBE_TEST_DIR='$DIR' KUBECACHEDIR='$DIR/cache'
export REAL_KUBECTL='$BIN/kubectl' STANDIN_PYTHON='$(python)'
export PATH='$ROOT/tests/tools/kube/bin':"\$PATH"
EOF
}

# stop_all DIR: TERM every process of DIR/pids, KILL what is still there after 10 s.
stop_all() {
	local dir=$1 pidfile pid i
	local -a pids=()
	# Every PID read first: the TERM-then-KILL below does not depend on the folder staying.
	for pidfile in "$dir"/pids/*; do
		if [[ -f "$pidfile" ]]; then pids+=("$(cat "$pidfile")"); fi
	done
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
	done
}

cmd_down() {
	local dir=${1:?down needs a folder} watchdog
	[[ -d "$dir" ]] || return 0
	stop_all "$dir"
	watchdog="$(cat "$dir/watchdog.pid" 2>/dev/null || true)"
	rm -rf "$dir"
	# Last, and not when we are the watchdog ourselves.
	if [[ -n "$watchdog" && "$watchdog" != "$$" ]]; then kill -TERM "$watchdog" 2>/dev/null || true; fi
}

case ${1:-} in
build) cmd_build ;;
up) shift; cmd_up "$@" ;;
seed) shift; cmd_seed "$@" ;;
down) shift; cmd_down "$@" ;;
*)
	sed -n '5,11p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
