#!/usr/bin/env bash
# Installs what the Celery baseline needs (Debian packages only) and makes sure a Redis server
# answers on 127.0.0.1:$CELERY_BASELINE_REDIS_PORT (default 6379).
#
# Exit codes: 0 ready; 3 a package cannot be installed (the message names it and says why);
#             4 Redis cannot be started or the port holds something that is not Redis.
# Idempotent: does nothing when everything is already there.
set -u

PORT="${CELERY_BASELINE_REDIS_PORT:-6379}"
HOST=127.0.0.1          # never anything else: the baseline's Redis is for this machine only
# Debian's python3-celery lives in the system interpreter; a pyenv/venv python3 earlier on PATH
# would not see it, so the baseline always uses /usr/bin/python3 unless told otherwise.
PY="${CELERY_BASELINE_PYTHON:-/usr/bin/python3}"

say() { echo "install.sh: $*" >&2; }
cannot_install() { say "cannot install $1: $2"; exit 3; }

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

python_ok() { [ -x "$PY" ] && "$PY" -c 'import celery, redis, kombu' >/dev/null 2>&1; }

missing=()
if [ ! -x "$PY" ]; then
    missing+=(python3)
fi
if ! python_ok; then
    for p in python3-celery python3-redis; do installed "$p" || missing+=("$p"); done
    # installed but still not importable (broken install): reinstall both
    [ ${#missing[@]} -eq 0 ] && missing=(python3-celery python3-redis)
fi
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    installed redis-server && installed redis-tools || missing+=(redis-server)
    [ ${#missing[@]} -eq 0 ] && missing=(redis-server)
fi

if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        cannot_install "${missing[0]}" "apt-get not found (not a Debian/Ubuntu system); install ${missing[*]} by hand"
    fi
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            SUDO="sudo -n"
        else
            cannot_install "${missing[0]}" "not root and no password-less sudo; run: apt-get install -y ${missing[*]}"
        fi
    fi
    say "installing ${missing[*]} ..."
    export DEBIAN_FRONTEND=noninteractive
    log=$(mktemp /tmp/celery-baseline-apt.XXXXXX)
    # Keep the redis-server package from starting its packaged service (with its own persistence
    # settings): Redis is started below, bound to 127.0.0.1 with persistence off. The standard
    # Debian way is a policy-rc.d that refuses service starts; one is put in place only if the
    # machine has none, and removed again afterwards.
    POLICY=/usr/sbin/policy-rc.d
    if [ ! -e "$POLICY" ] && [ -z "$SUDO" ]; then
        printf '#!/bin/sh\n# temporary, from celery-baseline/install.sh\nexit 101\n' > "$POLICY" && chmod +x "$POLICY"
        trap 'rm -f "$POLICY"' EXIT
    fi
    if ! $SUDO apt-get install -y -q "${missing[@]}" >"$log" 2>&1; then
        say "first attempt failed; running apt-get update and retrying"
        $SUDO apt-get update -q >>"$log" 2>&1
        if ! $SUDO apt-get install -y -q "${missing[@]}" >>"$log" 2>&1; then
            # find which package is the culprit and why
            for p in "${missing[@]}"; do
                if ! out=$($SUDO apt-get install -y -q "$p" 2>&1); then
                    reason=$(printf '%s\n' "$out" | grep -E '^(E|W):' | head -n 1)
                    [ -z "$reason" ] && reason=$(printf '%s\n' "$out" | tail -n 1)
                    cannot_install "$p" "${reason:-apt-get install failed} (full log: $log)"
                fi
            done
            cannot_install "${missing[0]}" "apt-get install ${missing[*]} failed (full log: $log)"
        fi
    fi
    rm -f "$log"
    python_ok || cannot_install python3-celery "installed, but 'import celery, redis, kombu' still fails in $PY"
    command -v redis-server >/dev/null 2>&1 || cannot_install redis-server "installed, but no redis-server on PATH"
fi

# --- Redis on 127.0.0.1 ---------------------------------------------------------------
ping() { redis-cli -h "$HOST" -p "$PORT" ping 2>/dev/null | grep -q PONG; }
if ! ping; then
    if (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; then
        say "something that is not Redis listens on $HOST:$PORT; set CELERY_BASELINE_REDIS_PORT to a free port"
        exit 4
    fi
    say "starting redis-server on $HOST:$PORT (no persistence)"
    redis-server --daemonize yes --bind "$HOST" --port "$PORT" --save "" --appendonly no \
        --protected-mode yes --logfile /tmp/celery-baseline-redis-$PORT.log \
        --pidfile /tmp/celery-baseline-redis-$PORT.pid >/dev/null 2>&1
    for _ in $(seq 1 50); do ping && break; sleep 0.1; done
    if ! ping; then
        say "redis-server did not answer on $HOST:$PORT (see /tmp/celery-baseline-redis-$PORT.log)"
        exit 4
    fi
fi
exit 0
