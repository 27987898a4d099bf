/**
 * @vscode/sudo-prompt starts every command with `cd "<working directory>"`, escaping only double
 * quotes; on macOS that line runs as root. A directory name holding `$`, a backquote or a backslash
 * would be expanded there (`$(…)`, or `\"` closing the quotes), so such a directory is refused before
 * any prompt is shown. A working directory that no longer exists is refused too: sudo-prompt reads it
 * inside a callback, where the throw would escape.
 */
export function sudoPromptCwdProblem(cwd: () => string = () => process.cwd()): string | null {
  let dir: string;
  try {
    dir = cwd();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return `the working directory is unavailable (${reason}); start IdleWatt from another directory`;
  }
  if (!/[$`\\]/.test(dir)) return null;
  return 'the working directory name contains $, ` or \\, which the password prompt would run as a command; start IdleWatt from another directory';
}
