# Shared settings for start.sh / stop.sh (sourced, not run).
# Jars are cached per Kafka version; the run dir (pid, log, data) lives in the machine's temp dir and is
# shared by every checkout, because port 9092 is too.
KAFKA_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_HERE/pom.xml")"
KAFKA_CACHE="${METRICSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/metricstream}/kafka/$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_CACHE/libs"
KAFKA_RUN="${KAFKA_RUN_DIR:-${TMPDIR:-/tmp}/metricstream-kafka}"
KAFKA_PIDFILE="$KAFKA_RUN/kafka.pid"
KAFKA_LOG="$KAFKA_RUN/kafka.log"
KAFKA_DATA="$KAFKA_RUN/data"
KAFKA_PORT=9092

log() { echo "kafka: $*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null; }

# Prints the pid of the broker this script started, if that process is still alive and is our broker
# (guards against a stale pid file whose pid was reused).
running_pid() {
  [[ -f "$KAFKA_PIDFILE" ]] || return 1
  local pid
  pid="$(cat "$KAFKA_PIDFILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}
