#!/usr/bin/env bash
# Installs the review tooling's external tools when they are missing:
#   actionlint (workflow lint, run by test/review/actionlint.test.ts) from the Go module proxy into
#   $GOBIN (default ~/go/bin), and Debian's chromium (headless browser for test/review/report-page.test.ts).
# Idempotent; prints where each tool is. Meant to run as root in CI (.ci/run) before `npm test`.
set -euo pipefail

ACTIONLINT_VERSION="${ACTIONLINT_VERSION:-v1.7.7}"
GOBIN="${GOBIN:-$HOME/go/bin}"
export GOBIN

if ! command -v actionlint >/dev/null && [ ! -x "$GOBIN/actionlint" ]; then
  command -v go >/dev/null || { echo "install-tools: go is required to install actionlint" >&2; exit 1; }
  echo "install-tools: go install actionlint@$ACTIONLINT_VERSION into $GOBIN"
  go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi
echo "actionlint: $(command -v actionlint || echo "$GOBIN/actionlint")"

if ! command -v chromium >/dev/null; then
  echo "install-tools: apt-get install chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
echo "chromium: $(command -v chromium)"
