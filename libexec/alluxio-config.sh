#!/usr/bin/env bash
# Sourced by every script in bin/: locates ALLUXIO_HOME, the configuration and the binaries.
# Environment (Alluxio's names): ALLUXIO_HOME, ALLUXIO_CONF_DIR, ALLUXIO_LOGS_DIR; ALLUXIO_BIN_DIR
# overrides where the compiled binaries are found (default: <home>/build/bin).
this="${BASH_SOURCE[0]}"
ALLUXIO_LIBEXEC_DIR=$(cd "$(dirname "$this")" && pwd)
export ALLUXIO_HOME=${ALLUXIO_HOME:-$(dirname "$ALLUXIO_LIBEXEC_DIR")}
export ALLUXIO_CONF_DIR=${ALLUXIO_CONF_DIR:-$ALLUXIO_HOME/conf}
if [[ -f "$ALLUXIO_CONF_DIR/alluxio-env.sh" ]]; then
  # shellcheck disable=SC1091
  . "$ALLUXIO_CONF_DIR/alluxio-env.sh"
fi
ALLUXIO_BIN_DIR=${ALLUXIO_BIN_DIR:-$ALLUXIO_HOME/build/bin}
if [[ ! -x "$ALLUXIO_BIN_DIR/alluxio" ]]; then
  echo "Cannot find the Alluxio binaries in $ALLUXIO_BIN_DIR (build first, or set ALLUXIO_BIN_DIR)" >&2
  exit 1
fi
export ALLUXIO_BIN_DIR

# Prints the effective value of a configuration key (site file, environment, "$@" -D options).
alluxio_conf() {
  "$ALLUXIO_BIN_DIR/alluxio" getConf "$@"
}
