// Runs the app as a child that gets every stop signal exactly once.
//
// Ctrl+C makes the terminal send SIGINT to its whole foreground process group. A child in our group
// would get it from the terminal and again from us, and a second SIGINT kills Electron in the middle
// of its graceful shutdown (history not flushed). So the child runs in its own process group: the
// terminal's signals reach only us, and we forward each one once.
import { spawn } from 'node:child_process';

export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Spawns `command`, forwards stop signals once each, and resolves with the exit code to use. */
export function runForwardingSignals(command, args, options = {}) {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    // No stdin: a background process group reading the terminal would be stopped (SIGTTIN).
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: process.platform !== 'win32',
  });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  const exited = new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`could not start ${command}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      for (const s of FORWARDED_SIGNALS) process.removeListener(s, forward);
      resolve(code ?? (signal === 'SIGINT' ? 130 : signal ? 1 : 0));
    });
  });
  return { child, exited };
}
