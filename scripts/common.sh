# shellcheck shell=bash
# Shared by scripts/demo and scripts/test (sourced, not run).
# Moves to the repository root and makes builds reproducible.

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ROOT=$PWD

# Rust installed by rustup but not on PATH yet (fresh login shell).
if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then
  PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs)" >&2; exit 1; }

# Same inputs, same bytes: dates in the outputs come from the last commit.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || true)
fi
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-0}"

say() { printf '\n==> %s\n' "$*"; }

# apt_need COMMAND PACKAGE: installs the Debian package when the command is missing.
APT_UPDATED=
apt_need() {
  command -v "$1" >/dev/null && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "warning: '$1' missing; install the Debian package '$2'" >&2
    return 0
  fi
  say "installing $2 (for $1)"
  if [ -z "$APT_UPDATED" ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}

# rustup_need COMPONENT|TARGET NAME: adds a rustup component or target if missing.
rustup_need() {
  command -v rustup >/dev/null || return 0
  case $1 in
    component) rustup component list --installed | grep -q "^$2" || rustup component add "$2" ;;
    target) rustup target list --installed | grep -qx "$2" || rustup target add "$2" ;;
  esac
}

# build_layers: builds the map layers into www/layers with maillage-prep
# (sources: ../shared/data when present, else downloaded and cached in .cache/),
# a hub's own network from a synthetic file into www/reseau-exemple, and the
# synthetic hostile layers into www/hostile.
build_layers() {
  cargo run --release -p maillage-prep -- build --data ../shared/data --cache .cache --out www/layers
  cargo run --release -p maillage-prep -- network --lieux-v1 data/fixtures/sites/synthetic-reseau-hub.csv \
    --data ../shared/data --cache .cache --out www/reseau-exemple
  # Synthetic hostile layers and the broken-file corpus (tests/fgb_corpus/make.rs)
  # for the browser tests, the corpus beside a copy of the hostile overview.
  rm -rf www/hostile && cp -r tests/hostile-layers www/hostile
  cp -r tests/fgb-corpus www/hostile/corpus && cp www/hostile/hostile-overview.fgb www/hostile/corpus/
}
