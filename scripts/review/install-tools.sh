#!/usr/bin/env bash
# Installs the review tooling's external tools when they are missing:
#   actionlint — lints .github/workflows in `npm test` (test/review/actionlint.test.ts); built from
#                the Go module proxy into $GOBIN (default: $(go env GOPATH)/bin, usually ~/go/bin);
#   chromium   — headless browser for the report page test (test/review/report-page.test.ts), from
#                Debian's packages; skipped where a Chrome/Chromium is already installed;
#   jq         — the stand-in gh of test/review/post-comment.test.ts applies the script's filter with it.
# Idempotent; prints where each tool is. Runs as root (CI) or with sudo (GitHub runners).
set -euo pipefail

ACTIONLINT_VERSION="${ACTIONLINT_VERSION:-v1.7.7}"

if command -v actionlint >/dev/null; then
  actionlint_bin="$(command -v actionlint)"
else
  command -v go >/dev/null || { echo "install-tools: go is required to install actionlint" >&2; exit 1; }
  gobin="${GOBIN:-$(go env GOPATH)/bin}"
  if [ ! -x "$gobin/actionlint" ]; then
    echo "install-tools: go install github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION into $gobin"
    GOBIN="$gobin" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  fi
  actionlint_bin="$gobin/actionlint"
fi
echo "actionlint: $actionlint_bin ($("$actionlint_bin" -version | sed -n 1p))"

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "${APT_UPDATED:-}" ]; then $sudo apt-get update -qq; APT_UPDATED=1; fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v jq >/dev/null || { echo "install-tools: apt-get install jq"; apt_install jq; }
echo "jq: $(command -v jq)"

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null; then browser="$(command -v "$candidate")"; break; fi
done
if [ -z "$browser" ]; then
  echo "install-tools: apt-get install chromium"
  apt_install chromium
  browser="$(command -v chromium)"
fi
echo "browser: $browser"
