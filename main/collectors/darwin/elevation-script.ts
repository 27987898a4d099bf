import { ROOT_RUN_DIR_CHECKS, ROOT_RUN_DIR_EXIT_REASONS, ROOT_RUN_DIR_SHELL } from '../root-run-dir.js';

/** powermetrics ending this soon after a start counts as a quick exit; this many in a row stop it. */
export const QUICK_EXIT_SECONDS = 10;
export const QUICK_EXITS_TO_STOP = 3;
/** How long the helper keeps powermetrics.err after giving up, so the app can read why. */
const KEEP_ERR_SECONDS = 10;
/** The line the helper appends to powermetrics.err when it gives up. */
export const GAVE_UP_PREFIX = 'idlewatt-helper: powermetrics';
export const STDERR_NAME = 'powermetrics.err';

/** How far the start time read back may differ from the app's (whole seconds on both sides). */
export const START_SLACK_SECONDS = 2;
/** The start time is compared on every Nth watchdog pass (about N seconds apart). */
export const START_CHECK_EVERY = 3;

/**
 * `app_is_ours`: the app pid is alive and (where $app_start is known) started at $app_start. ps's
 * etime is `[[dd-]hh:]mm:ss` on macOS and Linux alike, and locale-free (unlike lstart). The start is
 * read on the first call and then every START_CHECK_EVERY calls (a ps per second would be a cost of its
 * own); kill -0 runs every time.
 */
export const APP_START_SHELL = `started_at() {
  e=$(ps -o etime= -p "$app_pid" 2>/dev/null) || return 1
  set -- $e
  [ $# -eq 1 ] || return 1
  e=$1; d=0
  case $e in *-*) d=\${e%%-*}; e=\${e#*-} ;; esac
  old_ifs=$IFS; IFS=:; set -- $e; IFS=$old_ifs
  case $# in 2) h=0; m=$1; sec=$2 ;; 3) h=$1; m=$2; sec=$3 ;; *) return 1 ;; esac
  case "$d$h$m$sec" in ''|*[!0-9]*) return 1 ;; esac
  d=\${d#0}; h=\${h#0}; m=\${m#0}; sec=\${sec#0}
  echo $(( $(date +%s) - (((\${d:-0} * 24 + \${h:-0}) * 60 + \${m:-0}) * 60 + \${sec:-0}) ))
}
start_checks=0
app_is_ours() {
  kill -0 "$app_pid" 2>/dev/null || return 1
  [ "$app_start" -eq 0 ] && return 0
  start_checks=$((start_checks + 1))
  [ $((start_checks % ${START_CHECK_EVERY})) -eq 1 ] || [ ${START_CHECK_EVERY} -eq 1 ] || return 0
  now_start=$(started_at) || return 1
  [ $((now_start - app_start)) -le ${START_SLACK_SECONDS} ] && [ $((app_start - now_start)) -le ${START_SLACK_SECONDS} ]
}`;

/**
 * The root-side helper, fixed text run as `/bin/sh -c SCRIPT idlewatt-powermetrics ARGS…` by
 * `osascript … with administrator privileges` (elevator.ts). Nothing is interpolated into it: every
 * dynamic value arrives as a positional parameter, is validated again here, and is only ever
 * expanded inside double quotes.
 *
 * $1 app pid · $2 app uid · $3 run directory · $4 interval ms · $5 samplers · $6 process detail (0|1)
 * $7 powermetrics · $8 the app's start time in epoch seconds (0: unknown, the pid alone is checked)
 *
 * - Root makes its own run directory and FIFO (root-run-dir.ts), so no path a user can change is
 *   opened, written or executed as root. The FIFO goes to the app's user; powermetrics writes into it
 *   and nothing reaches the disk.
 * - The helper detaches (stdin, stdout and stderr away from the prompt) and prints the loop's pid, so
 *   the prompt returns at once and no root shell stays attached to anything of the user's.
 * - Watchdog: every second it checks the app pid, and that the process holding that pid started when
 *   the app did (`ps -o etime=`, elapsed time, turned into a start time; within START_SLACK_SECONDS),
 *   so a pid the system has reused for another process does not keep root alive. When the app is gone
 *   it sends TERM, then KILL a second later, so powermetrics ends within ~2 s of the app dying (SIGKILL
 *   included), and the run directory is removed. The same check runs before anything is created (the
 *   password dialog may have waited while the app quit).
 * - The helper holds a read end of the FIFO only for its first seconds (until the app has opened it);
 *   after that a reader that goes away makes powermetrics die of SIGPIPE, and the helper ends too.
 * - If powermetrics exits by itself it is restarted with backoff (1, 2, 4 … 60 s, reset after a
 *   minute of healthy running): restarts happen here, so the user is asked for a password once.
 * - powermetrics' stderr goes to powermetrics.err in the run directory (root's, readable by the app).
 *   After QUICK_EXITS_TO_STOP exits in a row each within QUICK_EXIT_SECONDS of starting, the helper
 *   stops retrying: it appends a GAVE_UP_PREFIX line, removes the FIFO (the app sees it gone), keeps
 *   the file a few seconds for the app to read, then removes the run directory.
 */
export const ELEVATION_SCRIPT = `set -u
PATH=/usr/bin:/bin:/usr/sbin:/sbin; export PATH
umask 077
app_pid=$1; app_uid=$2; run_dir=$3; interval_ms=$4; samplers=$5; detail=$6; pm=$7; app_start=$8
fifo=$run_dir/powermetrics.fifo
err=$run_dir/${STDERR_NAME}
case $app_pid in ''|*[!0-9]*) exit 64 ;; esac
case $interval_ms in ''|*[!0-9]*) exit 64 ;; esac
case $samplers in ''|*[!a-z_,]*) exit 64 ;; esac
case $detail in 0|1) ;; *) exit 64 ;; esac
case $app_start in ''|*[!0-9]*) exit 64 ;; esac
case $pm in /*) ;; *) exit 64 ;; esac
case $pm in *[!A-Za-z0-9/._-]*|*..*) exit 64 ;; esac
${ROOT_RUN_DIR_CHECKS}
[ -x "$pm" ] || exit 69
${APP_START_SHELL}
app_is_ours || exit 0
${ROOT_RUN_DIR_SHELL}
: > "$err" && chmod 0644 "$err" || exit 73
run() {
  child=
  stop_child() {
    if [ -n "$child" ]; then
      kill -TERM "$child" 2>/dev/null
      sleep 1
      kill -KILL "$child" 2>/dev/null
      wait "$child" 2>/dev/null
      child=
    fi
  }
  trap 'rm -f "$fifo" "$err"; rmdir "$run_dir" 2>/dev/null' EXIT
  trap 'stop_child; exit 0' HUP INT TERM PIPE
  exec 4<>"$fifo" 3>"$fifo"
  grace=5
  app_alive() {
    if [ "$grace" -gt 0 ]; then
      grace=$((grace - 1))
      [ "$grace" -eq 0 ] && exec 4<&-
    fi
    app_is_ours
  }
  delay=1
  quick=0
  while app_alive; do
    if [ "$detail" = 1 ]; then
      "$pm" --samplers "$samplers" -f plist -i "$interval_ms" --show-process-gpu >&3 2>>"$err" 4<&- &
    else
      "$pm" --samplers "$samplers" -f plist -i "$interval_ms" >&3 2>>"$err" 4<&- &
    fi
    child=$!
    started=$(date +%s)
    while app_alive && kill -0 "$child" 2>/dev/null; do sleep 1; done
    if kill -0 "$child" 2>/dev/null; then stop_child; break; fi
    wait "$child" 2>/dev/null
    status=$?
    child=
    [ "$status" -eq 141 ] && break
    ran=$(( $(date +%s) - started ))
    if [ "$ran" -ge 60 ]; then delay=1; fi
    if [ "$ran" -lt ${QUICK_EXIT_SECONDS} ]; then quick=$((quick + 1)); else quick=0; fi
    if [ "$quick" -ge ${QUICK_EXITS_TO_STOP} ]; then
      echo "${GAVE_UP_PREFIX} exited ${QUICK_EXITS_TO_STOP} times within ${QUICK_EXIT_SECONDS} s of starting (status $status)" >> "$err"
      rm -f "$fifo"
      waited=0
      while [ "$waited" -lt ${KEEP_ERR_SECONDS} ] && kill -0 "$app_pid" 2>/dev/null; do sleep 1; waited=$((waited + 1)); done
      break
    fi
    waited=0
    while [ "$waited" -lt "$delay" ] && app_alive; do sleep 1; waited=$((waited + 1)); done
    delay=$((delay * 2))
    if [ "$delay" -gt 60 ]; then delay=60; fi
  done
  stop_child
  exit 0
}
run </dev/null >/dev/null 2>&1 &
echo "$!"
exit 0
`;

/** Exit codes of the helper, for messages. */
export const ELEVATION_EXIT_REASONS: Record<number, string> = {
  ...ROOT_RUN_DIR_EXIT_REASONS,
  69: 'powermetrics is not installed or not executable',
};
