#!/usr/bin/env bash
# Installs a real VS Code for the extension's e2e tests: code-server 4.100.3 (VS Code 1.100.3, the
# newest for Node 20) plus Debian's Chromium. Idempotent; safe to run on every CI run.
# See ../shared/reference/real-vscode-and-docker-here.md (the steps seen working on these machines).
#
#   LOCALBATCH_CODE_SERVER_DIR   install prefix (default /opt/localbatch-test/code-server)
#   SKIP_APT_UPDATE=1            the caller already ran `apt-get update`
set -euo pipefail

CS_VERSION=4.100.3
RG_CACHE_VERSION=1.15.11
PREFIX="${LOCALBATCH_CODE_SERVER_DIR:-/opt/localbatch-test/code-server}"
APT_PACKAGES=(libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev pkg-config ripgrep chromium)
start=$SECONDS

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== apt-get install ${missing[*]}"
  [[ "${SKIP_APT_UPDATE:-}" == 1 ]] || apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

server_main="$PREFIX/node_modules/code-server/lib/vscode/out/server-main.js"
installed_version() { node -p "require('$PREFIX/node_modules/code-server/package.json').version" 2>/dev/null || true; }
if [[ -f "$server_main" && "$(installed_version)" == "$CS_VERSION" ]]; then
  echo "== code-server $CS_VERSION already installed in $PREFIX"
else
  # @vscode/ripgrep downloads rg from GitHub in its postinstall unless its cache holds the archive.
  tmp="$(node -p 'require("os").tmpdir()')"
  cache="$tmp/vscode-ripgrep-cache-$RG_CACHE_VERSION"
  mkdir -p "$tmp/rgpkg" "$cache"
  cp /usr/bin/rg "$tmp/rgpkg/rg"
  tar czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmp/rgpkg" rg

  echo "== npm install code-server@$CS_VERSION into $PREFIX (about 2-4 minutes)"
  mkdir -p "$PREFIX"
  # A private project so code-server stays out of the repo's dependencies. npm 11 blocks dependency
  # install scripts by default; code-server's postinstall (which installs VS Code's own modules and
  # builds its native addons) must run, and so must the nested installs it starts, hence the env
  # setting that those child npm processes inherit. It applies to this isolated prefix only.
  [[ -f "$PREFIX/package.json" ]] || echo '{"name":"localbatch-code-server","private":true}' >"$PREFIX/package.json"
  (cd "$PREFIX" && npm_config_yes=true npm_config_unsafe_perm=true \
     npm_config_dangerously_allow_all_scripts=true npm_config_fund=false npm_config_audit=false \
     npm install "code-server@$CS_VERSION")
  [[ -f "$server_main" ]] || { echo "code-server install incomplete: $server_main missing" >&2; exit 1; }
fi
echo "== code-server ready: $server_main ($((SECONDS - start)) s)"
