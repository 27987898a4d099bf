#!/usr/bin/env node
// `npm start`: launch the Electron app; where Electron cannot run here, say why in one line and run
// the headless monitor instead (same UI, served to a browser).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runForwardingSignals } from './child-signals.mjs';
import { electronBinary } from './electron-runtime.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (line) => process.stdout.write(`IdleWatt: ${line}\n`);

const electron = await electronBinary(log);
const run = electron.binary
  ? runForwardingSignals(electron.binary, [join(root, 'dist/main.cjs'), ...process.argv.slice(2)], {
      cwd: root,
    })
  : (log(`Electron cannot start here — ${electron.reason}; running the headless monitor instead.`),
    runForwardingSignals(
      process.execPath,
      [join(root, 'dist/cli.cjs'), 'monitor', ...process.argv.slice(2)],
      {
        cwd: root,
      },
    ));
process.exitCode = await run.exited;
