#!/usr/bin/env bash
# Installs what building and testing totp-admin needs, and only what is missing.
# Idempotent: run it as often as you like; it prints one line per tool.
#
#   rustup target wasm32-unknown-unknown
#   trunk 0.21.14                       (cargo install --locked)
#   wasm-bindgen-cli = Cargo.lock's wasm-bindgen (cargo install, not --locked)
#   wasm-split-cli 0.2.4                (cargo install --locked wasm_split_cli_support)
#   wasm-opt 132                        (npm binaryen@132 into .tools/, git-ignored)
#   esbuild 0.28.2                      (npm into .tools/, minifies the split page's JS)
#   axe-core 4.14.1                     (npm into .tools/, for the accessibility check)
#   swagger-ui-dist 5.35.0              (npm into .tools/, the comparison in `make bench`)
#   chromium, chromium-driver, nginx, brotli_static module, brotli (Debian packages; the
#   brotli command pre-compresses dist/ in `make dist`)
#
# The Makefile puts .tools/node_modules/.bin and ~/.cargo/bin first on PATH.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132
export PATH="$root/.tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# Two `make` runs at once must not install the same thing twice.
mkdir -p "$root/target"
exec 9>"$root/target/.bootstrap.lock"
flock 9

sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Debian packages -------------------------------------------------------------------------
deb_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
# openssl: the production tests make their certificates and speak TLS with its CLI.
for pkg in chromium chromium-driver libnginx-mod-http-brotli-static brotli openssl; do
  if deb_installed "$pkg"; then echo "ok $pkg $(dpkg-query -W -f='${Version}' "$pkg")"; else missing+=("$pkg"); fi
done
if deb_installed nginx-light; then echo "ok nginx-light $(dpkg-query -W -f='${Version}' nginx-light)"
elif deb_installed nginx; then echo "ok nginx $(dpkg-query -W -f='${Version}' nginx)"
else missing+=(nginx-light); fi
# npm is needed for wasm-opt below; any node/npm on PATH will do.
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]} (apt-get)"
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- Rust: wasm target -----------------------------------------------------------------------
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "ok rustup target wasm32-unknown-unknown"
else
  echo "installing rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# --- Trunk -----------------------------------------------------------------------------------
have_trunk="$(trunk --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have_trunk" = "$TRUNK_VERSION" ]; then
  echo "ok trunk $TRUNK_VERSION"
else
  echo "installing trunk $TRUNK_VERSION (cargo install, about 10 minutes once)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

# --- wasm-bindgen-cli: exactly the wasm-bindgen of Cargo.lock --------------------------------
wb_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if [ -z "$wb_version" ]; then echo "error: no wasm-bindgen in Cargo.lock" >&2; exit 1; fi
have_wb="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
have_runner="$(command -v wasm-bindgen-test-runner || true)"
if [ "$have_wb" = "$wb_version" ] && [ -n "$have_runner" ]; then
  echo "ok wasm-bindgen-cli $wb_version"
else
  echo "installing wasm-bindgen-cli $wb_version (cargo install, a few minutes once)"
  # Not --locked: the CLI's own lock file pins a crate the registry no longer serves.
  cargo install --force wasm-bindgen-cli --version "$wb_version"
fi

# --- wasm-split-cli: cuts release builds of the page in two (scripts/dist-finish.py) ----------
WASM_SPLIT_VERSION=0.2.4
if command -v wasm-split-cli >/dev/null 2>&1 \
  && cargo install --list | grep -q "^wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  echo "ok wasm-split-cli $WASM_SPLIT_VERSION"
else
  echo "installing wasm-split-cli $WASM_SPLIT_VERSION (cargo install, a few minutes once)"
  cargo install --locked wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary
fi

# --- wasm-opt (binaryen from npm, project-local) ---------------------------------------------
have_opt="$("$root/.tools/node_modules/.bin/wasm-opt" --version 2>/dev/null || true)"
if echo "$have_opt" | grep -q "version $BINARYEN_VERSION"; then
  echo "ok wasm-opt $BINARYEN_VERSION"
else
  echo "installing wasm-opt $BINARYEN_VERSION (npm binaryen@$BINARYEN_VERSION into .tools/)"
  mkdir -p "$root/.tools"
  npm install --silent --no-audit --no-fund --prefix "$root/.tools" "binaryen@$BINARYEN_VERSION"
  "$root/.tools/node_modules/.bin/wasm-opt" --version | grep -q "version $BINARYEN_VERSION"
fi

# --- esbuild (npm, project-local): minifies wasm-bindgen's module of the split page ------------
ESBUILD_VERSION=0.28.2
have_esbuild="$("$root/.tools/node_modules/.bin/esbuild" --version 2>/dev/null || true)"
if [ "$have_esbuild" = "$ESBUILD_VERSION" ]; then
  echo "ok esbuild $ESBUILD_VERSION"
else
  echo "installing esbuild $ESBUILD_VERSION (npm into .tools/)"
  mkdir -p "$root/.tools"
  npm install --silent --no-audit --no-fund --prefix "$root/.tools" "esbuild@$ESBUILD_VERSION"
  [ "$("$root/.tools/node_modules/.bin/esbuild" --version)" = "$ESBUILD_VERSION" ]
fi

# --- axe-core (npm, project-local): the end-to-end accessibility check injects it ------------
AXE_VERSION=4.14.1
have_axe="$(node -e "console.log(require('$root/.tools/node_modules/axe-core/package.json').version)" 2>/dev/null || true)"
if [ "$have_axe" = "$AXE_VERSION" ]; then
  echo "ok axe-core $AXE_VERSION"
else
  echo "installing axe-core $AXE_VERSION (npm into .tools/)"
  mkdir -p "$root/.tools"
  npm install --silent --no-audit --no-fund --prefix "$root/.tools" "axe-core@$AXE_VERSION"
fi

# --- Swagger UI (npm, project-local): `make bench` compares the page's load with it ------------
SWAGGER_UI_VERSION=5.35.0
have_swagger="$(node -e "console.log(require('$root/.tools/node_modules/swagger-ui-dist/package.json').version)" 2>/dev/null || true)"
if [ "$have_swagger" = "$SWAGGER_UI_VERSION" ]; then
  echo "ok swagger-ui-dist $SWAGGER_UI_VERSION"
else
  echo "installing swagger-ui-dist $SWAGGER_UI_VERSION (npm into .tools/)"
  mkdir -p "$root/.tools"
  npm install --silent --no-audit --no-fund --prefix "$root/.tools" "swagger-ui-dist@$SWAGGER_UI_VERSION"
fi

# --- NetApp's Python client (netapp-ontap), to prove the emulator speaks ONTAP to it ----------
NETAPP_ONTAP_VERSION=9.19.1.0
py="$root/.tools/py-netapp/bin/python3"
if "$py" -c "import netapp_ontap, sys; sys.exit(netapp_ontap.__version__ != '$NETAPP_ONTAP_VERSION')" 2>/dev/null; then
  echo "ok netapp-ontap $NETAPP_ONTAP_VERSION (python venv in .tools/py-netapp)"
else
  echo "installing netapp-ontap $NETAPP_ONTAP_VERSION (python venv in .tools/py-netapp)"
  python3 -m venv "$root/.tools/py-netapp" 2>/dev/null || {
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
    python3 -m venv "$root/.tools/py-netapp"
  }
  "$root/.tools/py-netapp/bin/pip" install --quiet --disable-pip-version-check "netapp-ontap==$NETAPP_ONTAP_VERSION"
fi
