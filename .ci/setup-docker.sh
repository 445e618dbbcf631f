#!/usr/bin/env bash
# Makes a Docker engine available for the integration tests: Debian's docker.io (the machines ship
# only the client), started in the background when `docker info` fails; busybox-static and the test
# image localbatch-busybox:latest built from it (no registry is reachable); docker-registry (the pull
# tests run one on loopback). Idempotent: installs only what is missing and starts dockerd only when
# no engine answers. Needs root for the installs.
# See ../shared/reference/real-vscode-and-docker-here.md.
#
#   SKIP_APT_UPDATE=1        the caller already ran `apt-get update`
#   DOCKER_WAIT_SECONDS      how long to wait for the engine (default 60)
#   DOCKERD_LOG              dockerd's log file (default /tmp/dockerd.log)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(docker.io busybox-static docker-registry)
WAIT="${DOCKER_WAIT_SECONDS:-60}"
LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"
start=$SECONDS

engine_up() { docker info >/dev/null 2>&1; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  # An engine that already answers (Docker Desktop, a system dockerd) needs no docker.io.
  [[ "$p" == docker.io ]] && engine_up && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== apt-get install ${missing[*]}"
  [[ "${SKIP_APT_UPDATE:-}" == 1 ]] || apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if engine_up; then
  echo "== Docker engine already running"
else
  if pgrep -x dockerd >/dev/null; then
    echo "== dockerd is starting; waiting for it"
  else
    echo "== starting dockerd (log: $LOG)"
    nohup setsid dockerd >"$LOG" 2>&1 </dev/null &
  fi
  deadline=$((SECONDS + WAIT))
  until engine_up; do
    if ((SECONDS >= deadline)); then
      echo "ERROR: the Docker engine did not come up within ${WAIT}s; last lines of $LOG:" >&2
      tail -n 30 "$LOG" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.5
  done
  echo "== Docker engine up after $((SECONDS - start)) s"
fi

if [[ -x node_modules/.bin/tsx ]]; then
  echo "== test image"
  node_modules/.bin/tsx scripts/build-test-image.ts
else
  echo "== test image: skipped (node_modules missing; run npm ci first, the tests also build it on demand)"
fi
echo "== Docker ready ($((SECONDS - start)) s)"
