#!/usr/bin/env bash
# AWS peers for the deploy tests: moto_server (an AWS API emulator) and Debian's docker-registry.
# moto 5.2 (with Flask and the docker SDK) ships in this machine image, pip-installed into pyenv's
# Python 3.11 (/root/.pyenv/versions/3.11.7/bin/moto_server, reached through the pyenv shim); PyPI
# is not reachable from these machines, so it cannot be installed here: this script checks it and
# says so plainly. docker-registry comes from Debian and is installed when missing. Idempotent.
#
#   SKIP_APT_UPDATE=1   the caller already ran `apt-get update`
set -euo pipefail

if ! dpkg-query -W -f='${Status}' docker-registry 2>/dev/null | grep -q 'install ok installed'; then
  echo "== apt-get install docker-registry"
  [[ "${SKIP_APT_UPDATE:-}" == 1 ]] || apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry >/dev/null
fi

if command -v moto_server >/dev/null 2>&1 && moto_server --help >/dev/null 2>&1; then
  echo "== moto_server: $(command -v moto_server) ($(python3 -c 'import moto; print("moto", moto.__version__)' 2>/dev/null || echo 'version unknown'))"
else
  echo "ERROR: moto_server is missing: it comes with the machine image (pip package moto[server] in pyenv's Python); the deploy tests need it" >&2
  exit 1
fi
