import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts a process that flips `path` between a symlink to `real` and one to `victim` as fast as it
 * can (atomic renames of prepared links), to race a root helper's check-then-open of a FIFO path.
 * Killed when the test ends.
 */
export function startSymlinkSwapper(
  t: { after(fn: () => void): void },
  real: string,
  victim: string,
  path: string,
): ChildProcess {
  const swap = `const fs = require('node:fs');
const [real, victim, path] = process.argv.slice(1);
for (let i = 0; ; i++) {
  const tmp = path + '.tmp';
  try { fs.unlinkSync(tmp); } catch {}
  fs.symlinkSync(i % 2 ? victim : real, tmp);
  fs.renameSync(tmp, path);
}`;
  const swapper = spawn(process.execPath, ['-e', swap, real, victim, path], { stdio: 'ignore' });
  t.after(() => swapper.kill('SIGKILL'));
  return swapper;
}
