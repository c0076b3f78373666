# Sourced by scripts that need an etcd of their own for a moment: a single member on free
# loopback ports with a temporary data directory, stopped by its PID and deleted on exit.
#
#   source scripts/lib/throwaway-etcd.sh
#   start_throwaway_etcd [extra etcd flags...]   # sets ETCD_ENDPOINT, ETCD_PID, ETCD_DIR
#   ...                                          # stop_throwaway_etcd runs on exit

ETCD_PID=""
ETCD_DIR=""
ETCD_ENDPOINT=""

# A loopback port nothing listens on now (etcd may still lose a race for it: see the retry).
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

stop_throwaway_etcd() {
  if [ -n "$ETCD_PID" ] && kill -0 "$ETCD_PID" 2>/dev/null; then
    kill "$ETCD_PID" 2>/dev/null || true
    for _ in $(seq 50); do # etcd exits within a second of SIGTERM; give it up to 5 s
      kill -0 "$ETCD_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$ETCD_PID" 2>/dev/null || true
    wait "$ETCD_PID" 2>/dev/null || true
  fi
  ETCD_PID=""
  if [ -n "$ETCD_DIR" ]; then
    rm -rf "$ETCD_DIR"
    ETCD_DIR=""
  fi
}

start_throwaway_etcd() {
  command -v etcd >/dev/null || { echo "etcd not found: scripts/test installs Debian's etcd-server" >&2; return 1; }
  command -v etcdctl >/dev/null || { echo "etcdctl not found: scripts/test installs Debian's etcd-client" >&2; return 1; }
  local attempt client peer name
  for attempt in 1 2 3 4 5; do
    ETCD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/regshift-etcd.XXXXXX")
    client=$(free_port)
    peer=$(free_port)
    name="regshift-$$"
    ETCD_ENDPOINT="http://127.0.0.1:$client"
    # etcd reads ETCD_* variables as flags: a developer's own must not leak in.
    env $(env | sed -n 's/^\(ETCD_[A-Za-z0-9_]*\)=.*/-u \1/p') etcd \
      --name="$name" --data-dir="$ETCD_DIR/data" \
      --listen-client-urls="$ETCD_ENDPOINT" --advertise-client-urls="$ETCD_ENDPOINT" \
      --listen-peer-urls="http://127.0.0.1:$peer" --initial-advertise-peer-urls="http://127.0.0.1:$peer" \
      --initial-cluster="$name=http://127.0.0.1:$peer" \
      --heartbeat-interval=10 --election-timeout=50 "$@" >"$ETCD_DIR/etcd.log" 2>&1 &
    ETCD_PID=$!
    for _ in $(seq 200); do # up to 20 s
      # a short command timeout: a probe of a member that accepted the connection but is not
      # serving (yet, or ever) would otherwise wait the 600 s the other calls may take
      if etcdctl_local --command-timeout=2s endpoint health >/dev/null 2>&1; then
        return 0
      fi
      kill -0 "$ETCD_PID" 2>/dev/null || break
      sleep 0.1
    done
    if grep -q "address already in use" "$ETCD_DIR/etcd.log" && [ "$attempt" -lt 5 ]; then
      stop_throwaway_etcd
      continue
    fi
    echo "etcd did not start; tail of its log:" >&2
    tail -n 20 "$ETCD_DIR/etcd.log" >&2
    stop_throwaway_etcd
    return 1
  done
}

# etcdctl against the throwaway etcd only, whatever ETCDCTL_* the caller has set.
etcdctl_local() {
  env $(env | sed -n 's/^\(ETCDCTL_[A-Za-z0-9_]*\)=.*/-u \1/p') ETCDCTL_API=3 \
    etcdctl --endpoints="$ETCD_ENDPOINT" --dial-timeout=2s --command-timeout=600s "$@"
}
