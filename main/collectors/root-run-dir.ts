/**
 * Shell text shared by the root helpers (powermetrics on macOS, the RAPL loop on Linux): after the
 * password prompt, root makes its own run directory, verifies it and creates the FIFO in it. Nothing
 * a user can change is executed or written by root afterwards:
 *
 * - the parent (/var/run on macOS, /run on Linux) must be a real directory owned by root that no
 *   ordinary user can write (group-writable only for the system groups wheel/daemon, as macOS's
 *   /var/run is);
 * - `mkdir` never follows or reuses what is there: a symlink, dangling or not, or anything else at
 *   the path makes it fail, and the helper stops before creating anything;
 * - the new directory is checked to be a root-owned 0755 directory, the FIFO is made inside it and
 *   handed to the app's user (chown), who can read it but can neither replace it nor add anything
 *   next to it.
 *
 * Expects $run_dir, $fifo and $app_uid to be set and validated. Exit codes: 66 parent unsafe,
 * 73 run directory or FIFO could not be made safely.
 */
export const ROOT_RUN_DIR_SHELL = `me=$(id -u)
parent=\${run_dir%/*}
[ -d "$parent" ] && [ ! -L "$parent" ] || exit 66
[ -n "$(find "$parent" -prune -type d -user "$me" ! -perm -0002 \\( ! -perm -0020 -o -group 0 -o -group 1 \\) 2>/dev/null)" ] || exit 66
mkdir -m 0755 "$run_dir" 2>/dev/null || exit 73
[ -n "$(find "$run_dir" -prune -type d -user "$me" -perm 0755 2>/dev/null)" ] || exit 73
mkfifo -m 0600 "$fifo" || exit 73
chown "$app_uid" "$fifo" || exit 73`;

/** Validation of the shared values, in the same fixed text. */
export const ROOT_RUN_DIR_CHECKS = `case $app_uid in ''|*[!0-9]*) exit 64 ;; esac
case $run_dir in /*/*) ;; *) exit 64 ;; esac
case $run_dir in *[!A-Za-z0-9/._-]*|*..*|*/) exit 64 ;; esac`;

/** Exit codes the shared part uses, for messages. */
export const ROOT_RUN_DIR_EXIT_REASONS: Record<number, string> = {
  64: 'the root helper rejected its arguments',
  66: 'the run directory’s parent is not a root-only directory',
  73: 'the root helper could not create its run directory and FIFO safely (something was already there)',
};

/** A run directory name: `<parent>/idlewatt-<what>-<16 random letters/digits>`. */
export const RUN_DIR_NAME = /^idlewatt-(pm|rapl)-[A-Za-z0-9]{16}$/;
