#!/usr/bin/env bash
# Regenerates test/fixtures/review: for each scenario, a temporary worktree of HEAD with an edit
# applied, in which the real CLIs run with --base main. Takes a few minutes (4 full syntheses per
# scenario). Needs the built assets (npm run build) in this checkout.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$REPO/test/fixtures/review"

scenario() {
  local name=$1; shift
  local wt
  wt="$(mktemp -d)/pr"
  git -C "$REPO" worktree add --detach "$wt" HEAD >/dev/null
  trap 'git -C "$REPO" worktree remove --force "$wt"; git -C "$REPO" worktree prune' RETURN
  ln -s "$REPO/node_modules" "$wt/node_modules"
  mkdir -p "$wt/services/ingest" "$wt/services/flink-job/target"
  cp -r "$REPO/services/ingest/dist" "$wt/services/ingest/dist"
  cp "$REPO/services/flink-job/target/metricstream-flink-job-0.1.0.jar" "$wt/services/flink-job/target/"
  (cd "$wt" && "$@")
  (cd "$wt" && git diff > "$OUT/$name.patch")
  (cd "$wt" && npx tsx scripts/cost-diff.ts --base main --json > "$OUT/$name.cost.json")
  (cd "$wt" && npx tsx scripts/template-diff.ts --base main --json > "$OUT/$name.template.json")
}

# The scenarios' edits, run in the worktree.
double_prod_load() {
  sed -i 's/    monitoredServers: 10_000,/    monitoredServers: 20_000,/' lib/capacity-config.ts
}
influx_type_and_extra_node() {
  # prod's InfluxDB type (the first instanceType after "influx:" in the prod config) ...
  perl -0pi -e "s/(const prod: CapacityConfig = \{.*?influx: \{\s*instanceType: )'i3.2xlarge'/\$1'i3.xlarge'/s" lib/capacity-config.ts
  # ... and a stack edit outside the plan: one more InfluxDB node in every environment.
  sed -i 's/const layout = influx.nodes;/const layout = [...influx.nodes, influx.nodes[0]];/' lib/influx-stack.ts
}

scenario prod-load-doubled double_prod_load
scenario influx-type-and-extra-node influx_type_and_extra_node
echo "fixtures written to $OUT"
