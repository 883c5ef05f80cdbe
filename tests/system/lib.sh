# SPDX-License-Identifier: Apache-2.0
# Sourced by the system tests: a free loopback port and pass/fail bookkeeping.
# Counters: PASSED, FAILED (the sourcing script reports them).
PASSED=${PASSED:-0}
FAILED=${FAILED:-0}

# A TCP port free on 127.0.0.1 right now.
pick_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

fail() {
  echo "FAIL: $*" >&2
  FAILED=$((FAILED + 1))
}

# expect DESCRIPTION COMMAND...: runs COMMAND; counts a pass, or a failure named DESCRIPTION.
expect() {
  local what=$1
  shift
  if "$@"; then PASSED=$((PASSED + 1)); else fail "$what"; fi
}
