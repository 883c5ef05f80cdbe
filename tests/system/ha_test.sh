#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# System test of high availability with real processes: five masters on this machine, each with
# its own ALLUXIO_CONF_DIR, work dir and ports, an EMBEDDED journal quorum, started and stopped
# with bin/alluxio-start.sh / alluxio-stop.sh master. While a client creates directories without
# pause, the primary is killed with SIGKILL (and restarted) 20 times: every acknowledged create
# must be there at the end. Then: two masters killed at once (the primary among them) leave a
# serving quorum; the primary is frozen with SIGSTOP: the others elect a new primary, and once
# resumed the old one serves nothing; a backup is taken by a standby (delegation); a follower
# whose journal was wiped catches up and, elected leader, serves everything; a stopped master is
# removed from the quorum. Design: docs/design/journal.md.
#   ha_test.sh <source dir> <binary dir>
# Environment: HA_TEST_ROUNDS (default 20), HA_TEST_MASTERS (default 5), HA_TEST_KEEP=1 keeps the
# temp dir.
# shellcheck disable=SC2317
set -u -o pipefail
# shellcheck source=tests/system/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SRC=$(cd "${1:?usage: ha_test.sh <source dir> <binary dir>}" && pwd)
BUILD=$(cd "${2:?usage: ha_test.sh <source dir> <binary dir>}" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/alluxio-ha-test-XXXXXX") || exit 1
ROUNDS=${HA_TEST_ROUNDS:-20}
export ALLUXIO_HOME=$SRC ALLUXIO_BIN_DIR=$BUILD/bin
unset ALLUXIO_LOGS_DIR ALLUXIO_MASTER_HOSTNAME ALLUXIO_MASTER_MOUNT_TABLE_ROOT_UFS
A=$SRC/bin/alluxio
START=$SRC/bin/alluxio-start.sh
STOP=$SRC/bin/alluxio-stop.sh
PASSED=0
FAILED=0
N=${HA_TEST_MASTERS:-5}
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
alluxio.master.backup.directory=$WORK/m$i/backups
alluxio.master.backup.connect.interval.min=200ms
alluxio.master.backup.connect.interval.max=1sec
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
all_masters=$(for p in "${RPC[@]}"; do printf 'localhost/127.0.0.1:%s, ' "$p"; done)
expect "masterInfo lists all masters" grep -qF "All masters: [${all_masters%, }]" "$WORK/masterinfo.txt"

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
# Two masters at once (the primary and another): a majority is left, and serves.
if ((N >= 5)); then
  p=$(primary)
  o=$(((p + 1) % N))
  count=$(wc -l <"$WORK/acked")
  kill -9 "$(master_pid "$p")" "$(master_pid "$o")"
  deadline=$((SECONDS + 30))
  while (($(wc -l <"$WORK/acked") <= count && SECONDS < deadline)); do sleep 0.02; done
  expect "the quorum serves after losing masters $p and $o" test "$(wc -l <"$WORK/acked")" -gt "$count"
  for m in "$p" "$o"; do
    rm -f "$WORK/m$m/run/alluxio-master.pid"
    out=$(start_master "$m")
    expect "master $m restarts after losing 2: $out" grep -q "\[ OK \]" <<<"$out"
  done
fi
touch "$WORK/stop-storm"
wait "$storm_pid"
# Everything acknowledged is listed (`fs ls` prints the path last).
check_acked() {
  "$A" fs ls / 2>/dev/null | awk '{print $NF}' | sort >"$WORK/listed"
  sort "$WORK/acked" >"$WORK/acked.sorted"
  comm -23 "$WORK/acked.sorted" "$WORK/listed" | head -5
}
missing=$(check_acked)
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

# --- a backup is taken by a standby, into its own backup directory (--local) -------------------
p=$(primary)
out=$("$A" fsadmin backup --local 2>&1)
expect "a delegated backup succeeds: $out" grep -q "^Successfully backed up journal to file://" <<<"$out"
uri=$(sed -n 's|^Successfully backed up journal to file://||p' <<<"$out")
expect "the backup is not in the primary's directory ($uri)" test "${uri#"$WORK/m$p/"}" == "$uri"
expect "the backup is in a standby's directory ($uri)" grep -q "^$WORK/m[0-9]*/backups/alluxio-backup-" <<<"$uri"
expect "the delegated backup is complete" test -f "$uri.complete"
out=$("$A" fsadmin backup --local --bypass-delegation 2>&1)
expect "--bypass-delegation: the primary takes it ($out)" grep -q "^Successfully backed up journal to file://$WORK/m$p/backups/" <<<"$out"

# --- a follower whose journal is wiped catches up, and serves everything once elected ----------
p=$(primary)
w=$(((p + 1) % N))
ALLUXIO_CONF_DIR=$WORK/m$w/conf "$STOP" master >/dev/null 2>&1
rm -rf "$WORK/m$w/journal"
"$A" fs mkdir /while-wiped >/dev/null 2>&1 || fail "mkdir while a follower is wiped"
echo /while-wiped >>"$WORK/acked"
out=$(start_master "$w")
expect "the wiped master starts (its journal is formatted anew): $out" grep -q "\[ OK \]" <<<"$out"
out=$("$A" fsadmin journal quorum elect -address "localhost:${RAFT[$w]}" 2>&1)
expect "leadership moves to the wiped master: $out" grep -q "Successfully elected localhost:${RAFT[$w]} as the new leader" <<<"$out"
expect "the wiped master is the primary" test "$(primary)" == "$w"
missing=$(check_acked)
expect "the wiped master, now primary, serves every acknowledged create (missing: $missing)" test -z "$missing"

# --- a stopped master is removed from the quorum --------------------------------------------------
r=$(((w + 1) % N))
ALLUXIO_CONF_DIR=$WORK/m$r/conf "$STOP" master >/dev/null 2>&1
out=$("$A" fsadmin journal quorum remove -domain MASTER -address "localhost:${RAFT[$r]}" 2>&1)
expect "quorum remove: $out" grep -q "Removed server at: localhost:${RAFT[$r]} from quorum: MASTER" <<<"$out"
out=$("$A" fsadmin journal quorum info -domain MASTER 2>&1)
expect "the removed master is gone from quorum info" test -z "$(grep "localhost:${RAFT[$r]}" <<<"$out")"
expect "quorum info counts $((N - 1)) members" grep -q "^Quorum size	: $((N - 1))$" <<<"$out"
expect "a create succeeds after the removal" "$A" fs mkdir /after-remove

# --- stop ---------------------------------------------------------------------------------------
for ((i = 0; i < N; i++)); do
  ((i == r)) && continue
  out=$(ALLUXIO_CONF_DIR=$WORK/m$i/conf "$STOP" master 2>&1)
  expect "master $i stops" test $? -eq 0
done

echo "ha_test: $PASSED passed, $FAILED failed"
((FAILED == 0))
