#!/usr/bin/env bash
# The demo as in production: nginx on 127.0.0.1:PORT, from deploy/nginx-test.conf.in (plain
# http on loopback), serving dist/ and proxying /api/ to ontap-sim on PORT+1, which answers
# 401s with WWW-Authenticate as a real cluster does (nginx strips it). Ctrl-C stops both.
#
#   scripts/demo-nginx.sh [PORT]        (after `make dist` and `cargo build --release -p ontap-sim`)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${1:-8080}"
sim_port=$((port + 1))
nginx="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
[ -x "$nginx" ] || { echo "nginx is not installed (scripts/bootstrap.sh installs it)" >&2; exit 1; }
[ -f "$root/dist/index.html" ] || { echo "dist/ is not built: make dist" >&2; exit 1; }

prefix="$(mktemp -d -t totp-admin-nginx.XXXXXX)"
module=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so
if [ -f "$module" ]; then load="load_module $module;"; brotli="brotli_static on;"
else load="# (brotli_static module not installed)"; brotli=""; fi
if [ "$(id -u)" -eq 0 ]; then user="user root;"; else user=""; fi
sed -e "s|@LOAD_BROTLI@|$load|" -e "s|@BROTLI_STATIC@|$brotli|" -e "s|@USER@|$user|" \
    -e "s|@PREFIX@|$prefix|g" -e "s|@DEPLOY@|$root/deploy|g" -e "s|@LISTEN@|127.0.0.1:$port|" \
    -e "s|@DIST@|$root/dist|" -e "s|@UPSTREAM@|127.0.0.1:$sim_port|" \
    "$root/deploy/nginx-test.conf.in" >"$prefix/nginx.conf"

"$root/target/release/ontap-sim" --listen "127.0.0.1:$sim_port" --www-authenticate always &
sim=$!
trap 'kill "$sim" 2>/dev/null || true; rm -rf "$prefix"' EXIT

echo
echo "  totp-admin demo behind nginx: http://127.0.0.1:$port/   (emulator on :$sim_port)"
echo "  sign in as admin, readonly, vsadmin or alice; password Netapp1!"
echo "  nginx configuration: $prefix/nginx.conf"
echo
"$nginx" -c "$prefix/nginx.conf" -p "$prefix/" -e "$prefix/error.log" -g 'daemon off;'
