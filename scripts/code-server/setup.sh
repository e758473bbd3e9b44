#!/usr/bin/env bash
# Prepares a real VS Code (code-server, from npm) and Debian's Chromium for the
# integration and end-to-end tests, offline: only the npm registry and Debian apt are
# needed. Recipe and the reasons behind each step: ../../../shared/notes/real-vscode-offline.md
# (code-server@latest needs Node 24; 4.100.3 = VS Code 1.100 is the newest on Node 20).
#
# Idempotent. The prepared tree lives in .cache/code-server/<version>/package and is
# marked ready only after every step succeeded; a warm run checks the Debian packages
# and the marker and returns in about a second. A marker from another Node ABI (native
# modules are built for it) or an interrupted run is thrown away and rebuilt.
#
#   scripts/code-server/setup.sh            # prepare (or verify) the cache
#   CODE_SERVER_VERSION=4.100.3             # override the version (default below)
#   CODE_SERVER_CACHE=/some/dir             # override the cache root (default .cache/code-server)
#   CODE_SERVER_SKIP_APT=1                  # do not touch Debian packages (they must be there)
#
# On success the last line of stdout is the path of code-server's entry.js.
set -euo pipefail

VERSION="${CODE_SERVER_VERSION:-4.100.3}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_ROOT="${CODE_SERVER_CACHE:-$REPO/.cache/code-server}"
DIR="$CACHE_ROOT/$VERSION"
PKG="$DIR/package"
MARKER="$DIR/.ready"
ENTRY="$PKG/out/node/entry.js"

# Debian packages: native-module build deps, ripgrep (VS Code search; the npm package
# would download rg), chromium (the browser the e2e tests drive), build tools for node-gyp.
APT_PACKAGES=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep chromium g++ make python3)

T0=$(date +%s)
step() { printf '[code-server setup +%ss] %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }
die() { printf '[code-server setup] ERROR: %s\n' "$*" >&2; exit 1; }
trap 'printf "[code-server setup] FAILED (exit %s) at line %s: %s\n" "$?" "$LINENO" "$BASH_COMMAND" >&2' ERR

command -v node >/dev/null || die "node is not on PATH"
command -v npm >/dev/null || die "npm is not on PATH"
read -r NODE_MAJOR NODE_ABI < <(node -p 'process.versions.node.split(".")[0] + " " + process.versions.modules')
if [ "$VERSION" = "4.100.3" ] && [ "$NODE_MAJOR" != "20" ]; then
  die "code-server $VERSION needs Node 20 (found $(node -v)); pick a matching CODE_SERVER_VERSION"
fi

# ---- 1. Debian packages (only the missing ones) ---------------------------------------
missing=()
installed=" $(dpkg-query -W -f='${Package} ${Status}\n' "${APT_PACKAGES[@]}" 2>/dev/null \
  | awk '$NF == "installed" && $(NF-1) == "ok" { sub(/:.*/, "", $1); printf "%s ", $1 }')"
for p in "${APT_PACKAGES[@]}"; do
  case "$installed" in *" $p "*) ;; *) missing+=("$p") ;; esac
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ -n "${CODE_SERVER_SKIP_APT:-}" ]; then
    die "missing Debian packages: ${missing[*]} (CODE_SERVER_SKIP_APT is set)"
  fi
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    die "missing Debian packages: ${missing[*]} — run: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
  step "apt-get update"
  apt-get update -qq || die "apt-get update failed"
  step "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing after apt-get"
[ -x /usr/bin/rg ] || die "/usr/bin/rg is missing after apt-get"

# ---- 2. warm cache? -------------------------------------------------------------------
mkdir -p "$CACHE_ROOT"
WANT_MARK="code-server=$VERSION node-abi=$NODE_ABI"
if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$WANT_MARK" ] && [ -f "$ENTRY" ]; then
  step "cache is warm: $DIR"
  echo "$ENTRY"
  exit 0
fi

# One setup at a time per cache root (two test jobs on one machine).
exec 9>"$CACHE_ROOT/.lock"
flock 9
if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$WANT_MARK" ] && [ -f "$ENTRY" ]; then
  step "cache was prepared by a concurrent run: $DIR"
  echo "$ENTRY"
  exit 0
fi

step "cold: preparing code-server $VERSION for Node $(node -v) (ABI $NODE_ABI) in $DIR"
rm -rf "$DIR"
mkdir -p "$DIR"

# node-gyp must find Node's headers locally (it would otherwise download them).
if [ -z "${npm_config_nodedir:-}" ]; then
  NODE_PREFIX="$(dirname "$(dirname "$(node -p 'process.execPath')")")"
  if [ -f "$NODE_PREFIX/include/node/common.gypi" ]; then
    export npm_config_nodedir="$NODE_PREFIX"
  else
    step "warning: no Node headers under $NODE_PREFIX/include/node; node-gyp may try to download them"
  fi
fi
export npm_config_unsafe_perm=true   # code-server's scripts refuse to run as root otherwise
export npm_config_yes=true           # node-pty's build calls `npx node-gyp`
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
export npm_config_loglevel=error

# ---- 3. fetch and unpack ----------------------------------------------------------------
step "npm pack code-server@$VERSION"
TARBALL="$(cd "$DIR" && npm pack "code-server@$VERSION" --silent 2>/dev/null | tail -n1)"
[ -n "$TARBALL" ] && [ -f "$DIR/$TARBALL" ] || die "npm pack code-server@$VERSION produced no tarball"
step "untar $TARBALL"
tar -xzf "$DIR/$TARBALL" -C "$DIR"
rm -f "$DIR/$TARBALL"
[ -f "$ENTRY" ] || die "unexpected tarball layout: $ENTRY missing"

# ---- 4. lib/vscode: dependencies, ripgrep, native modules -------------------------------
step "lib/vscode: npm install --omit=dev --ignore-scripts"
(cd "$PKG/lib/vscode" && npm install --omit=dev --ignore-scripts --no-save >&2) || die "npm install in lib/vscode failed"

step "lib/vscode: ripgrep from Debian (@vscode/ripgrep would download it)"
mkdir -p "$PKG/lib/vscode/node_modules/@vscode/ripgrep/bin"
cp /usr/bin/rg "$PKG/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"

step "lib/vscode: npm rebuild native modules (a minute or two)"
(cd "$PKG/lib/vscode" && npm rebuild @parcel/watcher @vscode/spdlog kerberos native-watchdog node-pty @vscode/deviceid >&2) \
  || die "npm rebuild of VS Code's native modules failed"
ln -sfn node_modules "$PKG/lib/vscode/node_modules.asar"

step "lib/vscode/extensions: npm install --omit=dev --ignore-scripts"
(cd "$PKG/lib/vscode/extensions" && npm install --omit=dev --ignore-scripts --no-save >&2) \
  || die "npm install in lib/vscode/extensions failed"

# ---- 5. code-server itself ---------------------------------------------------------------
step "code-server: npm install --omit=dev --ignore-scripts"
(cd "$PKG" && npm install --omit=dev --ignore-scripts --no-save >&2) || die "npm install in code-server failed"
step "code-server: npm rebuild argon2"
(cd "$PKG" && npm rebuild argon2 >&2) || die "npm rebuild argon2 failed"

# ---- 6. smoke: the native modules load and the CLI answers ------------------------------
step "check: native modules load"
(cd "$PKG/lib/vscode" && node -e '
  for (const m of ["node-pty", "@parcel/watcher", "@vscode/spdlog", "native-watchdog"]) require(m);
') || die "a rebuilt native module does not load"
step "check: code-server --version"
XDG_CONFIG_HOME="$DIR/xdg" XDG_DATA_HOME="$DIR/xdg" node "$ENTRY" --version >&2 || die "code-server --version failed"
rm -rf "$DIR/xdg"   # the default config it wrote (with a generated password) is not needed

echo "$WANT_MARK" > "$MARKER"
step "ready: $ENTRY"
echo "$ENTRY"
