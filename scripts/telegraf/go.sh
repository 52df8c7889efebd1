#!/usr/bin/env bash
# Prints the path of a Go toolchain new enough to build Telegraf (TELEGRAF_MIN_GO, common.sh): the one on
# PATH (or /usr/local/go) when it is, otherwise one installed once into the cache. Debian bookworm's
# golang-go is 1.19, too old for Telegraf's go.mod and for Go's own toolchain switching (1.21+), so the
# toolchain comes from the Go module proxy, where Go publishes each release as the module
# golang.org/toolchain (what GOTOOLCHAIN=auto downloads; https://go.dev/doc/toolchain), checked against
# the pinned SHA-256 below (that of the zip `go mod download` verified against sum.golang.org).
set -euo pipefail
source "$(dirname "$0")/common.sh"
log() { echo "go: $*" >&2; }

# version_ge A B: A >= B for dotted versions.
version_ge() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" == "$2" ]]; }

for go in "$(command -v go 2>/dev/null || true)" /usr/local/go/bin/go; do
  [[ -n "$go" && -x "$go" ]] || continue
  have="$("$go" env GOVERSION 2>/dev/null || true)"  # e.g. go1.26.8
  if [[ -n "$have" ]] && version_ge "${have#go}" "$TELEGRAF_MIN_GO"; then echo "$go"; exit 0; fi
  log "$go is ${have:-unknown}, older than go$TELEGRAF_MIN_GO"
done

GO_VERSION="$TELEGRAF_MIN_GO"
case "$(uname -m)" in
  x86_64) platform=linux-amd64 sha256=8cea6783dab64d68b38f5b81ecd38d45155a3c06638991acc6af19e0fca80edb ;;
  *) log "no pinned Go toolchain for $(uname -m); install Go >= $GO_VERSION and put it on PATH"; exit 1 ;;
esac
root="$METRICSTREAM_CACHE_DIR/go/go$GO_VERSION.$platform"
if [[ -x "$root/bin/go" ]]; then echo "$root/bin/go"; exit 0; fi

mkdir -p "$METRICSTREAM_CACHE_DIR/go"
exec 9>"$METRICSTREAM_CACHE_DIR/go/install.lock"
flock -w 600 9 || { log "timed out waiting for another go.sh"; exit 1; }
if [[ -x "$root/bin/go" ]]; then echo "$root/bin/go"; exit 0; fi

proxy="${GOPROXY:-https://proxy.golang.org}"
proxy="${proxy%%[,|]*}"
[[ "$proxy" == http* ]] || proxy=https://proxy.golang.org
mod="v0.0.1-go$GO_VERSION.$platform"
zip="$METRICSTREAM_CACHE_DIR/go/$mod.zip.$$"
tmp="$METRICSTREAM_CACHE_DIR/go/extract.$$"
trap 'rm -rf "$zip" "$tmp"' EXIT
log "installing go$GO_VERSION from $proxy (golang.org/toolchain@$mod) into $root"
curl -fsSL --retry 3 -m 300 -o "$zip" "$proxy/golang.org/toolchain/@v/$mod.zip"
echo "$sha256  $zip" | sha256sum -c --quiet - || { log "checksum mismatch for $mod.zip"; exit 1; }
unzip -q "$zip" -d "$tmp"
# Module zips carry no file modes; the toolchain's binaries need their execute bit back.
src="$tmp/golang.org/toolchain@$mod"
chmod +x "$src"/bin/* "$src"/pkg/tool/*/*
rm -rf "$root" && mv "$src" "$root"
"$root/bin/go" version >&2
echo "$root/bin/go"
