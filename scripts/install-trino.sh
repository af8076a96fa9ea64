#!/usr/bin/env bash
# Installs the pinned Trino server into .tools/trino-server-<version> (git-ignored), idempotently: the
# tar.gz comes from Maven Central through Maven's own client (cached in ~/.m2), and only the launcher,
# the server's libraries and the Hive connector (the one catalog Medallion configures) are unpacked.
set -euo pipefail

# 476 is the newest io.trino:trino-server whose tar.gz Maven Central serves (477, 480, 482 and 483 are
# not published as tar.gz there); it needs Java 24 or newer.
TRINO_VERSION=476
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS="$ROOT/.tools"
DEST="$TOOLS/trino-server-$TRINO_VERSION"
M2_REPO="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
TARBALL="$M2_REPO/io/trino/trino-server/$TRINO_VERSION/trino-server-$TRINO_VERSION.tar.gz"

installed() { [ -x "$DEST/bin/launcher" ] && [ -d "$DEST/plugin/hive" ] && [ -f "$DEST/.complete" ]; }

if installed; then
  echo "Trino $TRINO_VERSION already installed in $DEST"
  exit 0
fi
if ! command -v mvn >/dev/null 2>&1; then
  echo "Maven (mvn) is needed to fetch io.trino:trino-server:$TRINO_VERSION from Maven Central: install it, then rerun $0." >&2
  exit 1
fi

mkdir -p "$TOOLS"
# One install at a time: parallel test runs share the folder.
exec 9>"$TOOLS/.trino.lock"
flock 9
if installed; then exit 0; fi

if [ ! -f "$TARBALL" ]; then
  echo "fetching io.trino:trino-server:$TRINO_VERSION:tar.gz from Maven Central (~800 MB, once)"
  mvn -q -B dependency:get -Dartifact="io.trino:trino-server:$TRINO_VERSION:tar.gz" -Dtransitive=false
fi
# The tarball hard-links jars shared between plugins, so it is unpacked whole and trimmed afterwards.
rm -rf "$DEST.partial" "$DEST.unpack"
mkdir -p "$DEST.partial/plugin" "$DEST.unpack"
tar -xzf "$TARBALL" -C "$DEST.unpack" --strip-components=1
mv "$DEST.unpack/bin" "$DEST.unpack/lib" "$DEST.partial/"
mv "$DEST.unpack/plugin/hive" "$DEST.partial/plugin/"
rm -rf "$DEST.unpack"
touch "$DEST.partial/.complete"
rm -rf "$DEST"
mv "$DEST.partial" "$DEST"
echo "Trino $TRINO_VERSION installed in $DEST"
