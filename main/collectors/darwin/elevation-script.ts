/**
 * The root-side helper, fixed text run as `/bin/sh -c SCRIPT idlewatt-powermetrics ARGS…`.
 * Nothing is interpolated into it: every dynamic value arrives as a positional parameter, is
 * validated again here, and is only ever expanded inside double quotes.
 *
 * $1 app pid · $2 FIFO path · $3 interval ms · $4 samplers · $5 process detail (0|1) · $6 powermetrics
 *
 * - powermetrics writes into the FIFO the app reads; nothing is written to disk. The path is opened
 *   once and the opened object checked to be a pipe (/dev/fd/3), and every run writes to that
 *   descriptor: swapping the path for a symlink to a file can never make root truncate or write it.
 * - Watchdog: every second it checks the app pid and the FIFO; when either is gone it sends TERM,
 *   then KILL a second later, so powermetrics ends within ~2 s of the app dying (SIGKILL included).
 * - If powermetrics exits by itself it is restarted with backoff (1, 2, 4 … 60 s, reset after a
 *   minute of healthy running): restarts happen here, so the user is asked for a password once.
 */
export const ELEVATION_SCRIPT = `set -u
app_pid=$1; fifo=$2; interval_ms=$3; samplers=$4; detail=$5; pm=$6
case $app_pid in ''|*[!0-9]*) exit 64 ;; esac
case $interval_ms in ''|*[!0-9]*) exit 64 ;; esac
case $samplers in ''|*[!a-z_,]*) exit 64 ;; esac
case $detail in 0|1) ;; *) exit 64 ;; esac
case $fifo in /*) ;; *) exit 64 ;; esac
case $fifo in *[!A-Za-z0-9/._-]*|*..*) exit 64 ;; esac
case $pm in /*) ;; *) exit 64 ;; esac
case $pm in *[!A-Za-z0-9/._-]*|*..*) exit 64 ;; esac
[ -p "$fifo" ] || exit 66
exec 3<>"$fifo" || exit 66
[ -p /dev/fd/3 ] || exit 66
[ -x "$pm" ] || exit 69
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
app_alive() { kill -0 "$app_pid" 2>/dev/null && [ -p "$fifo" ]; }
trap 'stop_child; exit 0' HUP INT TERM
delay=1
while app_alive; do
  if [ "$detail" = 1 ]; then
    "$pm" --samplers "$samplers" -f plist -i "$interval_ms" --show-process-gpu --show-process-energy >&3 2>/dev/null &
  else
    "$pm" --samplers "$samplers" -f plist -i "$interval_ms" >&3 2>/dev/null &
  fi
  child=$!
  started=$(date +%s)
  while app_alive && kill -0 "$child" 2>/dev/null; do sleep 1; done
  if kill -0 "$child" 2>/dev/null; then stop_child; break; fi
  wait "$child" 2>/dev/null
  child=
  if [ $(( $(date +%s) - started )) -ge 60 ]; then delay=1; fi
  waited=0
  while [ "$waited" -lt "$delay" ] && app_alive; do sleep 1; waited=$((waited + 1)); done
  delay=$((delay * 2))
  if [ "$delay" -gt 60 ]; then delay=60; fi
done
stop_child
exit 0
`;

/** Exit codes of the helper, for messages. */
export const ELEVATION_EXIT_REASONS: Record<number, string> = {
  64: 'the root helper rejected its arguments',
  66: 'the powermetrics FIFO was missing',
  69: 'powermetrics is not installed or not executable',
};
