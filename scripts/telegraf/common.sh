# Shared settings for scripts/telegraf/*.sh (sourced, not run).
TELEGRAF_VERSION="${TELEGRAF_VERSION:-v1.37.2}"
# The plugins compiled in (see build.sh); sorted so the cache stamp is stable.
TELEGRAF_TAGS="custom,inputs.influxdb_listener,inputs.kafka_consumer,outputs.influxdb,outputs.influxdb_v2,parsers.influx,processors.starlark,serializers.influx"
METRICSTREAM_CACHE_DIR="${METRICSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/metricstream}"
# One directory per version and plugin set: worktrees on different sets do not rebuild over each other.
TELEGRAF_CACHE="$METRICSTREAM_CACHE_DIR/telegraf/$TELEGRAF_VERSION-$(printf %s "$TELEGRAF_TAGS" | sha256sum | cut -c1-8)"
# The oldest Go that builds it: the go line of Telegraf's go.mod at that version.
TELEGRAF_MIN_GO="1.25.5"
