# shellcheck shell=bash
# Shared by bin/kubectl, bin/ibmcloud and bin/curl: every call is numbered and logged in
# $KUBE_TEST_DIR/calls.log ("N TOOL ARGS...", which a test may clear) and calls.all (every call
# since the test began); when $KUBE_TEST_DIR/fail_at holds N, call N fails
# without reaching anything (exit 1; curl: exit 7, as for a refused connection); when hang_at
# holds N, call N sleeps until killed (at most 60 s).
: "${KUBE_TEST_DIR:?}" "${REAL_KUBECTL:?}" "${STANDIN_PYTHON:?}"
# kubectl is a short-lived Go program: without its garbage collector a call costs about a fifth
# less CPU (80 calls: 9.1 s against 11.0 s), and the tests are bound by their two cores. It
# changes nothing kubectl does.
export GOGC=off
# The stand-in the bin/ shims hand their call to (they source this file).
export STANDIN
STANDIN="${BASH_SOURCE[0]%/*}/standin.py"

count_call() {
  local tool=$1 n
  shift
  exec 9>>"$KUBE_TEST_DIR/calls.lock"
  flock 9
  n=0
  [ -f "$KUBE_TEST_DIR/calls" ] && read -r n <"$KUBE_TEST_DIR/calls"
  n=$((n + 1))
  printf '%s\n' "$n" >"$KUBE_TEST_DIR/calls"
  printf '%s %s %s\n' "$n" "$tool" "$*" >>"$KUBE_TEST_DIR/calls.log"
  printf '%s %s\n' "$tool" "$*" >>"$KUBE_TEST_DIR/calls.all"
  flock -u 9
  exec 9>&-
  # (read, not cat: a call of a script costs no process more than its own)
  local at=''
  [ -f "$KUBE_TEST_DIR/fail_at" ] && read -r at <"$KUBE_TEST_DIR/fail_at"
  if [ "$at" = "$n" ]; then
    printf 'error: injected failure at call %s (%s)\n' "$n" "$tool" >&2
    if [ "$tool" = curl ]; then
      printf '000'
      exit 7
    fi
    exit 1
  fi
  at=''
  [ -f "$KUBE_TEST_DIR/hang_at" ] && read -r at <"$KUBE_TEST_DIR/hang_at"
  if [ "$at" = "$n" ]; then
    sleep 60
  fi
}
