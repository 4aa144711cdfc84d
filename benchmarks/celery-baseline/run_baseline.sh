#!/usr/bin/env bash
# Celery baseline entry point: installs what is missing, starts real `celery worker` processes
# (prefork pool) on a dedicated Redis DB, runs the seed's meta-orchestrator over the workload, stops
# the workers and prints the orchestrator's final `RESULT bench=celery ...` line.
#
#   benchmarks/celery-baseline/run_baseline.sh [--variant seed|tuned] [--cards N]
#       [--shape independent|chains|layered] [--width W] [--chain-length L] [--backlog FILE]
#       [--concurrency C] [--task-ms MS] [--poll-ms MS] [--json FILE] [--keep-logs] ...
#   run_baseline.sh --help   lists every option
#
# Works from any directory. Exit codes: 0 success; 1 the run failed; 2 bad arguments or backlog;
# 3 a package cannot be installed; 4 Redis cannot be started; 5 another run holds the Redis DB;
# 130/143 interrupted. Leaves no Celery process behind, even on failure or Ctrl-C.
#
# Environment: CELERY_BASELINE_REDIS_PORT (default 6379), CELERY_BASELINE_REDIS_DB (default 12;
# flushed before and after every run), CELERY_BASELINE_PYTHON (default /usr/bin/python3).
set -u

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${CELERY_BASELINE_PYTHON:-/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1   # leave no __pycache__ in the source tree
export CELERY_BASELINE_REDIS_PORT="${CELERY_BASELINE_REDIS_PORT:-6379}"
export CELERY_BASELINE_REDIS_DB="${CELERY_BASELINE_REDIS_DB:-12}"
PORT="$CELERY_BASELINE_REDIS_PORT"
DB="$CELERY_BASELINE_REDIS_DB"
if ! [[ "$PORT" =~ ^[0-9]+$ && "$DB" =~ ^[0-9]+$ ]]; then
    echo "run_baseline.sh: CELERY_BASELINE_REDIS_PORT and CELERY_BASELINE_REDIS_DB must be numbers" >&2
    exit 2
fi

say() { echo "run_baseline.sh: $*" >&2; }

# --- the few options this script needs itself (all are passed on to orchestrator.py) ----------
VARIANT=seed CONCURRENCY=5 TASK_MS=0 KEEP_LOGS=0 EMIT=0 HELP=0
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    a="${args[$i]}"
    case "$a" in
        --*=*) opt="${a%%=*}" val="${a#*=}" ;;
        *) opt="$a" val="${args[$((i + 1))]:-}" ;;
    esac
    case "$opt" in
        --variant) VARIANT="$val" ;;
        --concurrency) CONCURRENCY="$val" ;;
        --task-ms) TASK_MS="$val" ;;
        --keep-logs) KEEP_LOGS=1 ;;
        --emit-backlog) EMIT=1 ;;
        -h|--help) HELP=1 ;;
    esac
done

if [ "$HELP" = 1 ] || [ "$EMIT" = 1 ]; then   # no Celery, no Redis needed
    P="$PY"; [ -x "$P" ] || P=python3
    exec "$P" "$DIR/orchestrator.py" "$@"
fi

# Fail fast on bad arguments when the interpreter is already there (again after installing).
if [ -x "$PY" ]; then
    "$PY" "$DIR/orchestrator.py" --check-args "$@" || exit 2
fi

"$DIR/install.sh"
rc=$?
if [ $rc -ne 0 ]; then
    say "setup failed (install.sh exit $rc, message above); nothing was run"
    exit $rc
fi
"$PY" "$DIR/orchestrator.py" --check-args "$@" || exit 2

# --- one run at a time per Redis DB ---------------------------------------------------------------
LOCK="/tmp/celery-baseline-db$DB.lock"
exec 9>"$LOCK"
if ! flock -n 9; then
    say "another baseline run is using Redis DB $DB on 127.0.0.1:$PORT (lock $LOCK); wait for it or set CELERY_BASELINE_REDIS_DB"
    exit 5
fi

flushdb() { redis-cli -h 127.0.0.1 -p "$PORT" -n "$DB" FLUSHDB >/dev/null 2>&1; }

RUN_DIR="$(mktemp -d /tmp/celery-baseline.XXXXXX)"
WPID="" OPID="" FAILED=1

stop_workers() {
    [ -n "$WPID" ] || return 0
    # The worker was started with setsid: its pool children share its process group. SIGTERM to
    # the main process is Celery's warm shutdown (running tasks finish, the pool children exit);
    # whatever is left of the group after 10 s is killed.
    if kill -0 -- "-$WPID" 2>/dev/null; then
        kill -TERM "$WPID" 2>/dev/null
        for _ in $(seq 1 100); do
            kill -0 -- "-$WPID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 -- "-$WPID" 2>/dev/null; then
            say "workers did not stop within 10 s of SIGTERM; killing them"
            kill -KILL -- "-$WPID" 2>/dev/null
            sleep 0.2
        fi
    fi
    wait "$WPID" 2>/dev/null
    if kill -0 -- "-$WPID" 2>/dev/null; then
        say "warning: processes of group $WPID are still alive"
    fi
    WPID=""
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$OPID" ] && kill -0 "$OPID" 2>/dev/null; then
        kill -TERM "$OPID" 2>/dev/null
        wait "$OPID" 2>/dev/null
    fi
    stop_workers
    flushdb
    if [ "$FAILED" = 1 ] && [ $rc -ne 0 ] && [ $rc -ne 130 ] && [ $rc -ne 143 ] && [ $rc -ne 2 ]; then
        say "worker logs kept in $RUN_DIR; their last lines:"
        tail -n 15 "$RUN_DIR/worker.out" "$RUN_DIR/worker.log" 2>/dev/null | sed 's/^/    /' >&2
    elif [ "$KEEP_LOGS" = 1 ]; then
        say "logs kept in $RUN_DIR"
    else
        rm -rf "$RUN_DIR"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

flushdb || { say "cannot FLUSHDB Redis DB $DB on 127.0.0.1:$PORT"; exit 4; }

# --- workers: the seed's `celery -A celery_app worker --concurrency=5`, consuming both queues -----
export CELERY_BASELINE_VARIANT="$VARIANT" CELERY_BASELINE_TASK_MS="$TASK_MS"
export PYTHONPATH="$DIR${PYTHONPATH:+:$PYTHONPATH}"
HOST="$(cat /proc/sys/kernel/hostname 2>/dev/null || hostname)"
NAME="celery-baseline-$$@$HOST"
if [ "$VARIANT" = seed ]; then
    EXTRA=(--loglevel=INFO)   # as the seed's command line
else
    EXTRA=(--loglevel=WARNING --without-gossip --without-mingle --without-heartbeat)
fi
# (no cd: relative paths in the arguments, e.g. --json, stay relative to the caller's directory;
# PYTHONPATH finds celery_app and tasks)
setsid "$PY" -m celery -A celery_app worker -Q squadOS.owners,squadOS.validation \
    --concurrency="$CONCURRENCY" --pool=prefork -n "$NAME" --logfile="$RUN_DIR/worker.log" \
    "${EXTRA[@]}" </dev/null >"$RUN_DIR/worker.out" 2>&1 &
WPID=$!
if [ "$(ps -o pgid= -p "$WPID" 2>/dev/null | tr -d ' ')" != "$WPID" ]; then
    say "the worker is not a process-group leader; cannot guarantee a clean stop"
    exit 1
fi

# --- the measured run --------------------------------------------------------------------------------
"$PY" "$DIR/orchestrator.py" "$@" --worker-pid "$WPID" --worker-name "$NAME" --state-dir "$RUN_DIR" &
OPID=$!
wait "$OPID"
rc=$?
OPID=""
if [ $rc -ne 0 ]; then
    say "the run failed (orchestrator exit $rc, message above)"
    exit $rc
fi
FAILED=0
stop_workers
exit 0
