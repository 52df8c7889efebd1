#!/usr/bin/env bash
# Makes sure the `node` on PATH is at least the major in .node-version (the one Node line the service,
# its esbuild target, `engines`, CI and the hosts use; test/node-version.test.ts keeps them in step).
#
#   source scripts/node/ensure.sh          # puts a suitable node first on PATH for the rest of the shell
#   PATH="$(bash scripts/node/ensure.sh):$PATH"   # the same from another script: prints the bin dir
#
# When the system node is older, the official binary is taken from the npm registry package
# node-linux-<arch>@<major> (npm verifies its integrity) and cached per version under
# ${METRICSTREAM_NODE_CACHE:-~/.cache/metricstream/node}/<version>, so later runs need no network.

_ms_node_ensure() {
  local root want have arch cache version tmp bindir
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  want="$(tr -d '[:space:]' < "$root/.node-version")"
  if [[ ! "$want" =~ ^[0-9]+$ ]]; then
    echo "ensure node: .node-version must hold a major version such as 24, not \"$want\"" >&2
    return 1
  fi
  have="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if ((have >= want)); then
    bindir="$(dirname "$(command -v node)")"
  else
    case "$(uname -m)" in
      x86_64) arch=x64 ;;
      aarch64 | arm64) arch=arm64 ;;
      *) echo "ensure node: no official Node binary package for $(uname -m)" >&2; return 1 ;;
    esac
    cache="${METRICSTREAM_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/metricstream/node}"
    # Newest cached release of the wanted line first; the registry only when none is cached.
    version="$(ls "$cache" 2>/dev/null | grep -E "^$want\.[0-9]+\.[0-9]+-$arch$" | sort -V | tail -1 || true)"
    if [[ -z "$version" || ! -x "$cache/$version/bin/node" ]]; then
      command -v npm >/dev/null || { echo "ensure node: node $have is older than $want and npm is missing to fetch it" >&2; return 1; }
      version="$(npm view "node-linux-$arch@$want" version --json | tr -d '[]" \n' | tr ',' '\n' | sort -V | tail -1)"
      [[ "$version" =~ ^$want\.[0-9]+\.[0-9]+$ ]] || { echo "ensure node: the registry has no node-linux-$arch@$want" >&2; return 1; }
      version="$version-$arch"
      echo "ensure node: node $have is older than $want; installing node-linux-$arch@${version%-$arch} into $cache/$version" >&2
      mkdir -p "$cache"
      tmp="$(mktemp -d "$cache/.tmp.XXXXXX")"
      (cd "$tmp" && npm pack --silent "node-linux-$arch@${version%-$arch}" >/dev/null && mkdir unpacked &&
        tar -xzf node-linux-*.tgz -C unpacked --strip-components=1 package/bin/node package/LICENSE) || { rm -rf "$tmp"; return 1; }
      rm -rf "$cache/$version"
      mv "$tmp/unpacked" "$cache/$version" # whole directory at once: a killed run leaves no half binary
      rm -rf "$tmp"
    fi
    bindir="$cache/$version/bin"
    "$bindir/node" --version >/dev/null || { echo "ensure node: $bindir/node does not run" >&2; return 1; }
  fi
  if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    case ":$PATH:" in *":$bindir:"*) ;; *) export PATH="$bindir:$PATH" ;; esac
    hash -r
  else
    echo "$bindir"
  fi
}

# Sourced: a failure returns, so the caller's `set -e` stops it; executed: exits with the status.
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  _ms_node_ensure || return
  unset -f _ms_node_ensure
else
  set -euo pipefail
  _ms_node_ensure
fi
