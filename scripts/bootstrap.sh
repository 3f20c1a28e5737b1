#!/usr/bin/env bash
# Brings what a fresh machine lacks, then runs one of the README's commands:
#   bash scripts/bootstrap.sh start [ARGS...]  (npm start: the main job, `vigil up --demo` in the
#                                               foreground; ARGS go to `vigil up`, e.g. --detach)
#   bash scripts/bootstrap.sh test [ARGS...]   (npm test: every test, ARGS go to vitest)
#   bash scripts/bootstrap.sh env              (only install; .ci/run uses this)
# Each step says what it does and is skipped when already done, so a second run is fast.
# Why a shell script: `npm start` may run under the machine's old Node, which must not be the
# one that runs Vigil (Node 22+ is required), so the first step cannot be JavaScript.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
action="${1:-env}"
[ $# -gt 0 ] && shift
say() { echo "vigil-setup: $*" >&2; }

# 1. Node 22 LTS or later. These machines ship Node 20, so bring the official binary from npm.
node_major() { node -e 'console.log(process.versions.node.split(".")[0])' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 22 ]; then
  node_dir="${VIGIL_NODE_DIR:-$HOME/.cache/vigil-node22}"
  if [ ! -x "$node_dir/bin/node" ]; then
    say "Node $(node --version 2>/dev/null || echo none) is older than 22: installing Node 22 into $node_dir"
    npm i -g --prefix "$node_dir" node@22 >/dev/null || { say "could not install Node 22 (npm i -g --prefix $node_dir node@22)"; exit 1; }
  fi
  export PATH="$node_dir/bin:$PATH"
fi

# 2. Debian's Prometheus, Alertmanager, VictoriaMetrics and Chromium: the tests run the real binaries.
missing=()
{ command -v promtool && command -v prometheus; } >/dev/null || missing+=(prometheus)
{ command -v amtool && command -v prometheus-alertmanager; } >/dev/null || missing+=(prometheus-alertmanager)
{ command -v victoria-metrics && command -v vmalert && command -v vmagent; } >/dev/null || missing+=(victoria-metrics)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  line="apt-get update && apt-get install -y ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian's ${missing[*]}"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/dev/null \
      || { say "could not install ${missing[*]}: $line"; exit 1; }
  elif sudo -n true 2>/dev/null; then
    say "installing Debian's ${missing[*]} with sudo"
    { sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/dev/null \
      || { say "could not install ${missing[*]}: sudo $line"; exit 1; }
  else
    say "missing ${missing[*]}; install them with: sudo $line"
    exit 1
  fi
fi

# 3. npm ci when node_modules is missing or older than the lockfile (npm writes its own copy).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund || exit 1
fi

case "$action" in
  env) ;;
  start)
    say "build"
    npm run --silent build || exit 1
    say "vigil up --demo $*"
    exec node packages/cli/dist/bundle/vigil.mjs up --demo "$@" ;;
  test)
    say "build"
    npm run --silent build || exit 1
    exec npx vitest run "$@" ;;
  *) say "unknown action $action: expected start, test or env"; exit 64 ;;
esac
