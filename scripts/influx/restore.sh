#!/usr/bin/env bash
# Restore an InfluxDB node from a portable backup (scripts/influx/backup.sh) and reset the node's loader
# consumer group to the backup's time, so that the loader, started afterwards, loads exactly what the
# backup does not hold: nothing missing (every record written to the aggregates topic after
# backup time - margin is read again) and nothing doubled (a re-read line is the same point, which
# InfluxDB overwrites). Host-agnostic: used by the e2e run and meant for a node whose store is empty.
#
#   scripts/influx/restore.sh --backup DIR --rpc HOST:PORT --db NAME \
#       --bootstrap SERVERS --group GROUP --topic TOPIC [--topic TOPIC ...] [--margin-s N] [--command-config FILE]
#
#   --backup     directory of the backup (its newest *.manifest names the backup's time)
#   --rpc        the target influxd's backup/restore RPC address; the database must not exist there yet
#                (a new or wiped node: its setup creates the users, not the database)
#   --db         the database to restore (it brings its retention policies)
#   --bootstrap  Kafka bootstrap servers
#   --group      the node's loader consumer group (lib/topics.ts loaderConsumerGroup); its loader must
#                be stopped (Kafka resets only an inactive group)
#   --topic      the topics the loader reads (the aggregates topic)
#   --margin-s   seconds before the backup's time to rewind to (default 600): covers what the backed-up
#                node's loader had read but not yet written when the backup started, and clock skew
#   --command-config  Kafka client properties for the tool (MSK IAM: security.protocol=SASL_SSL, ...)
# Env: INFLUXD (default influxd); KAFKA_CONSUMER_GROUPS, the consumer-groups tool as a command line
# (default kafka-consumer-groups.sh; the e2e passes Kafka's ConsumerGroupCommand on the cached jars).
set -euo pipefail
INFLUXD="${INFLUXD:-influxd}"
KAFKA_CONSUMER_GROUPS="${KAFKA_CONSUMER_GROUPS:-kafka-consumer-groups.sh}"
backup="" rpc="127.0.0.1:8088" db="" bootstrap="" group="" margin=600 command_config=""
topics=()
while (($#)); do
  case "$1" in
    --backup) backup="$2"; shift 2 ;;
    --rpc) rpc="$2"; shift 2 ;;
    --db) db="$2"; shift 2 ;;
    --bootstrap) bootstrap="$2"; shift 2 ;;
    --group) group="$2"; shift 2 ;;
    --topic) topics+=("$2"); shift 2 ;;
    --margin-s) margin="$2"; shift 2 ;;
    --command-config) command_config="$2"; shift 2 ;;
    *) echo "restore: unknown argument $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
for v in backup db bootstrap group; do
  [[ -n "${!v}" ]] || { echo "restore: --$v is required" >&2; exit 2; }
done
((${#topics[@]})) || { echo "restore: at least one --topic is required" >&2; exit 2; }
[[ "$margin" =~ ^[0-9]+$ ]] || { echo "restore: --margin-s must be a whole number of seconds, got $margin" >&2; exit 2; }
manifest="$(ls "$backup"/*.manifest 2>/dev/null | sort | tail -n 1)"
[[ -n "$manifest" ]] || { echo "restore: no *.manifest in $backup (not a portable backup)" >&2; exit 2; }
stamp="$(basename "$manifest" .manifest)"
[[ "$stamp" =~ ^[0-9]{8}T[0-9]{6}Z$ ]] || { echo "restore: manifest name $stamp is not <YYYYMMDDThhmmssZ>" >&2; exit 2; }
backup_time="${stamp:0:4}-${stamp:4:2}-${stamp:6:2}T${stamp:9:2}:${stamp:11:2}:${stamp:13:2}Z"
reset_to="$(date -u -d "@$(( $(date -u -d "$backup_time" +%s) - margin ))" +%Y-%m-%dT%H:%M:%S.000Z)"

# 1. The data: the database with its retention policies and shards, into the running node.
"$INFLUXD" restore -portable -host "$rpc" -db "$db" "$backup" >&2 \
  || { echo "restore: influxd restore failed (does database $db already exist on $rpc?)" >&2; exit 1; }

# 2. The offsets: the loader resumes at the first record written at or after reset_to (record
# timestamps are the producer's write time, docs/wire-format.md aggregates-line-v1).
args=(--bootstrap-server "$bootstrap" --group "$group" --reset-offsets --to-datetime "$reset_to" --execute)
for t in "${topics[@]}"; do args+=(--topic "$t"); done
[[ -n "$command_config" ]] && args+=(--command-config "$command_config")
# shellcheck disable=SC2086 # KAFKA_CONSUMER_GROUPS is a command line (split on spaces, no globbing: a classpath may end in /*)
(set -f; exec $KAFKA_CONSUMER_GROUPS "${args[@]}") >&2 \
  || { echo "restore: resetting group $group failed (is its loader still running?)" >&2; exit 1; }
echo "restore: $db restored from the backup of $backup_time; group $group reset to $reset_to (margin ${margin} s)" >&2
echo "$reset_to"
