#!/usr/bin/env bash
# Builds the two CDK assets (the ingest bundle directory and the shaded Flink jar) twice, from copies
# of this working tree at two different paths, and fails unless every file is byte-identical: a
# rebuild on another machine or checkout must not change an asset hash (and so restart Flink and
# replace the ingest fleet on a no-op deploy). About a minute on 2 cores; Maven runs offline.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
source scripts/flink/lib.sh
require_java_maven
[[ -d node_modules ]] || { echo "reproducible-assets: run npm ci first" >&2; exit 1; }

# Under the (ignored) .local directory, so node_modules can be hard-linked instead of copied.
work="$root/.local/reproducible-assets.$$"
trap 'rm -rf "$work"' EXIT
sides=("$work/a/metricstream" "$work/b/another/checkout")
for dir in "${sides[@]}"; do
  mkdir -p "$dir"
  # The whole tree: the ingest bundle imports lib/ (topics, limits) and reads .node-version.
  git ls-files -z --cached --others --exclude-standard \
    | tar -c --null -T - | tar -x -C "$dir"
  cp -al node_modules "$dir/node_modules"
  (cd "$dir/services/ingest" && node build.mjs >/dev/null)
  mvn -o -B -q -Dstyle.color=never -f "$dir/services/flink-job/pom.xml" package -DskipTests
done

digest() { (cd "$1" && find services/ingest/dist -type f -print0 | sort -z | xargs -0 sha256sum && sha256sum services/flink-job/target/metricstream-flink-job-*.jar | grep -v original); }
if ! diff <(digest "${sides[0]}") <(digest "${sides[1]}"); then
  echo "reproducible-assets: the builds at ${sides[0]#"$work"/} and ${sides[1]#"$work"/} differ (above)" >&2
  exit 1
fi
echo "reproducible-assets: ingest bundle and Flink jar byte-identical across two checkouts"
digest "${sides[0]}"
