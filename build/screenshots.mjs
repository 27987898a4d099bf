#!/usr/bin/env node
// Regenerates the README's pictures (assets/screenshots/) with the browser tests against the real
// monitor replaying the demo recording (tests/fixtures/replay/darwin-m4max-demo). `npm test` never
// writes there.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const result = spawnSync(process.execPath, ['tests/run.mjs', 'e2e/popover-monitor'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, IDLEWATT_UPDATE_SCREENSHOTS: '1' },
});
process.exit(result.status ?? 1);
