#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# System test of high availability with real processes: three masters on this machine, each with
# its own ALLUXIO_CONF_DIR, work dir and ports, an EMBEDDED journal quorum, started and stopped
# with bin/alluxio-start.sh / alluxio-stop.sh master. While a client creates directories without
# pause, the primary is killed with SIGKILL (and restarted) several times: every acknowledged
# create must be there at the end. Then the primary is frozen with SIGSTOP: the others elect a
# new primary, and once resumed the old one serves nothing. Design: docs/design/journal.md.
#   ha_test.sh <source dir> <binary dir>
# Environment: HA_TEST_ROUNDS (default 3), HA_TEST_KEEP=1 keeps the temp dir.
# shellcheck disable=SC2317
set -u -o pipefail
# shellcheck source=tests/system/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SRC=$(cd "${1:?usage: ha_test.sh <source dir> <binary dir>}" && pwd)
BUILD=$(cd "${2:?usage: ha_test.sh <source dir> <binary dir>}" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/alluxio-ha-test-XXXXXX") || exit 1
ROUNDS=${HA_TEST_ROUNDS:-3}
export ALLUXIO_HOME=$SRC ALLUXIO_BIN_DIR=$BUILD/bin
unset ALLUXIO_LOGS_DIR ALLUXIO_MASTER_HOSTNAME ALLUXIO_MASTER_MOUNT_TABLE_ROOT_UFS
A=$SRC/bin/alluxio
START=$SRC/bin/alluxio-start.sh
STOP=$SRC/bin/alluxio-stop.sh
PASSED=0
FAILED=0
N=3
RPC=()
RAFT=()
for ((i = 0; i < N; i++)); do
  RPC+=("$(pick_port)")
  RAFT+=("$(pick_port)")
done
rpc_addrs=$(for p in "${RPC[@]}"; do printf 'localhost:%s,' "$p"; done)
raft_addrs=$(for p in "${RAFT[@]}"; do printf 'localhost:%s,' "$p"; done)
mkdir -p "$WORK/ufs"
for ((i = 0; i < N; i++)); do
  mkdir -p "$WORK/m$i/conf"
  cat >"$WORK/m$i/conf/alluxio-site.properties" <<CONF
alluxio.work.dir=$WORK/m$i
alluxio.master.hostname=localhost
alluxio.master.rpc.port=${RPC[$i]}
alluxio.master.journal.type=EMBEDDED
alluxio.master.embedded.journal.port=${RAFT[$i]}
alluxio.master.embedded.journal.addresses=${raft_addrs%,}
alluxio.master.rpc.addresses=${rpc_addrs%,}
alluxio.master.mount.table.root.ufs=$WORK/ufs
alluxio.user.rpc.retry.max.duration=30sec
CONF
done
# The client: any master's configuration names all three.
export ALLUXIO_CONF_DIR=$WORK/m0/conf

finish() {
  touch "$WORK/stop-storm"
  wait 2>/dev/null
  for ((i = 0; i < N; i++)); do
    kill -CONT "$(cat "$WORK/m$i/run/alluxio-master.pid" 2>/dev/null)" 2>/dev/null
    ALLUXIO_CONF_DIR=$WORK/m$i/conf "$STOP" master >/dev/null 2>&1
    [[ -f "$WORK/m$i/run/alluxio-master.pid" ]] && kill -9 "$(cat "$WORK/m$i/run/alluxio-master.pid")" 2>/dev/null
  done
  if ((FAILED > 0)) || [[ "${HA_TEST_KEEP:-}" == 1 ]]; then
    echo "Kept $WORK (logs in $WORK/m*/logs)"
  else
    rm -rf "$WORK"
  fi
}
trap finish EXIT

start_master() { ALLUXIO_CONF_DIR=$WORK/m$1/conf "$START" master; }
master_pid() { cat "$WORK/m$1/run/alluxio-master.pid"; }
# The index of the master `fs masterInfo` names as the leader ("... localhost/127.0.0.1:PORT").
primary() {
  local port
  port=$("$A" fs masterInfo 2>/dev/null | sed -n 's/^Current leader master: .*:\([0-9]*\)$/\1/p')
  for ((i = 0; i < N; i++)); do [[ "${RPC[$i]}" == "$port" ]] && echo "$i" && return 0; done
  return 1
}
now_ms() { date +%s%3N; }

# --- start the quorum ---------------------------------------------------------------------------
for ((i = 0; i < N; i++)); do
  out=$(start_master "$i")
  expect "master $i starts healthy: $out" grep -q "\[ OK \] The master service @ .* is in a healthy state." <<<"$out"
done
expect "the quorum serves" "$A" fs mkdir /first
p=$(primary)
expect "masterInfo names a leader among the three ($p)" test -n "$p"
"$A" fs masterInfo >"$WORK/masterinfo.txt" 2>&1
expect "masterInfo lists all masters" grep -q "^All masters: \[localhost/127.0.0.1:${RPC[0]}, localhost/127.0.0.1:${RPC[1]}, localhost/127.0.0.1:${RPC[2]}\]$" "$WORK/masterinfo.txt"

# --- a create storm while the primary is killed -------------------------------------------------
storm() {
  local n=0
  while [[ ! -f "$WORK/stop-storm" ]]; do
    if "$A" fs mkdir "/s$n" >/dev/null 2>&1; then echo "/s$n" >>"$WORK/acked"; fi
    n=$((n + 1))
  done
}
: >"$WORK/acked"
storm &
storm_pid=$!
for ((round = 0; round < ROUNDS; round++)); do
  # Let some creates through, then kill the primary.
  before=$(wc -l <"$WORK/acked")
  grow_deadline=$((SECONDS + 20))
  while (($(wc -l <"$WORK/acked") < before + 5 && SECONDS < grow_deadline)); do sleep 0.05; done
  p=$(primary) || { fail "round $round: no primary"; continue; }
  count=$(wc -l <"$WORK/acked")
  t0=$(now_ms)
  kill -9 "$(master_pid "$p")"
  deadline=$((SECONDS + 30))
  while (($(wc -l <"$WORK/acked") <= count && SECONDS < deadline)); do sleep 0.02; done
  t1=$(now_ms)
  if (($(wc -l <"$WORK/acked") > count)); then
    echo "round $round: killed master $p; next acknowledged create after $((t1 - t0)) ms"
    PASSED=$((PASSED + 1))
  else
    fail "round $round: no create succeeded within 30 s after killing master $p"
  fi
  rm -f "$WORK/m$p/run/alluxio-master.pid"
  out=$(start_master "$p")
  expect "round $round: killed master $p restarts: $out" grep -q "\[ OK \]" <<<"$out"
done
touch "$WORK/stop-storm"
wait "$storm_pid"
"$A" fs ls / 2>/dev/null | awk '{print $NF}' | sort >"$WORK/listed"
sort "$WORK/acked" >"$WORK/acked.sorted"
missing=$(comm -23 "$WORK/acked.sorted" "$WORK/listed" | head -5)
expect "every acknowledged create survived $ROUNDS kill -9 rounds ($(wc -l <"$WORK/acked") acknowledged; missing: $missing)" test -z "$missing"

# --- a frozen primary is replaced and serves nothing once resumed --------------------------------
p=$(primary)
kill -STOP "$(master_pid "$p")"
expect "a create succeeds while the old primary is frozen" "$A" fs mkdir /during-stop
q=$(primary)
expect "another master is the primary ($q, was $p)" test -n "$q" -a "$q" != "$p"
kill -CONT "$(master_pid "$p")"
# Resumed, it learns of the new term and steps down; its RPC port closes.
deadline=$((SECONDS + 20))
while (exec 3<>"/dev/tcp/127.0.0.1/${RPC[$p]}") 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
expect "the resumed old primary no longer serves RPCs" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/${RPC[$p]}) 2>/dev/null"
expect "a create after the resume succeeds" "$A" fs mkdir /after-resume
expect "the create made during the freeze is there" "$A" fs test -d /during-stop
expect "the old primary's log tells why it stopped" grep -q "lost its leadership\|lost its primacy" "$WORK/m$p/logs/master.log"

# --- stop ---------------------------------------------------------------------------------------
for ((i = 0; i < N; i++)); do
  out=$(ALLUXIO_CONF_DIR=$WORK/m$i/conf "$STOP" master 2>&1)
  expect "master $i stops" test $? -eq 0
done

echo "ha_test: $PASSED passed, $FAILED failed"
((FAILED == 0))
