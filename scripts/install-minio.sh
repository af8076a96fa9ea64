#!/usr/bin/env bash
# Installs the pinned MinIO server into .tools/bin (git-ignored), idempotently: a binary already built
# from the pinned module version is kept; otherwise it is built with `go install` from the Go proxy.
set -euo pipefail

MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN_DIR="$ROOT/.tools/bin"
BIN="$BIN_DIR/minio"

# The module version is recorded in the binary (`minio --version` only says DEVELOPMENT.GOGET).
installed() {
  [ -x "$BIN" ] || return 1
  if command -v go >/dev/null 2>&1; then
    go version -m "$BIN" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+$MINIO_MODULE[[:space:]]+$MINIO_VERSION([[:space:]]|$)"
  else
    "$BIN" --version >/dev/null 2>&1
  fi
}

if installed; then
  echo "MinIO $MINIO_VERSION already installed in $BIN"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "Go (1.24 or newer) is needed to build MinIO: install it (https://go.dev/dl/), then rerun $0." >&2
  echo "Alternatively run MinIO from its container image (quay.io/minio/minio) and point lake.s3.endpoint at it." >&2
  exit 1
fi

mkdir -p "$BIN_DIR"
# One build at a time: parallel test runs share the cache.
exec 9>"$BIN_DIR/.minio.lock"
flock 9
if installed; then exit 0; fi
echo "building MinIO $MINIO_VERSION into $BIN_DIR (a few minutes on first run)"
GOBIN="$BIN_DIR" go install "$MINIO_MODULE@$MINIO_VERSION"
installed || { echo "MinIO build finished but $BIN is not the pinned version" >&2; exit 1; }
echo "MinIO $MINIO_VERSION installed in $BIN"
