import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ok } from '../../../main/contract/index.js';
import { createDarwinProcessCollector } from '../../../main/collectors/darwin/processes.js';
import { PS_ARGS } from '../../../main/collectors/darwin/ps.js';
import type { CommandRunner, SamplerCollector } from '../../../main/collectors/types.js';
import { Sampler } from '../../../main/sampler/sampler.js';
import { manualClock, testSettings } from './scripted.js';

/**
 * A Mac running `npm run dev` from zsh (job control: npm's job is group 7280) and `ollama serve`
 * started by launchd. Written in IdleWatt's ps layout; pid, ppid, pgid, rss (KiB), time, comm, args.
 */
const PS_WITH_GROUPS = [
  '    1     0     1  14320 12:41.07 /sbin/launchd    /sbin/launchd',
  ' 6001  6000  6001   5120  0:00.31 -zsh             -zsh',
  ' 7280  6001  7280  40960  0:00.90 npm run dev      npm run dev',
  ' 7290  7280  7280  65024  0:04.12 node             node /Users/dev/dashboard/node_modules/.bin/next dev -p 3000',
  ' 7303  7290  7280 262144 10:02.55 next-server (v16 next-server (v16.0.1)',
  ' 7101     1  7101  48112  0:41.20 /opt/homebrew/bi /opt/homebrew/bin/ollama serve',
].join('\n');

const KIB = 1024;

async function servicesFrom(psOutput: string, psArgs: readonly string[]) {
  const clock = manualClock();
  const exec: CommandRunner = async (file, args) =>
    file === 'ps' && JSON.stringify(args) === JSON.stringify(psArgs)
      ? { stdout: psOutput, stderr: '', exitCode: 0 }
      : { stdout: '', stderr: `not scripted: ${file}`, exitCode: null, failure: 'not-found' };
  const darwin = createDarwinProcessCollector({
    sysRoot: '/',
    procRoot: '/proc',
    exec,
    now: clock.now,
    fetch: globalThis.fetch,
  });
  const collector: SamplerCollector = {
    definition: { id: 'darwin-ps', tier: 'fast', provides: ['processes', 'sockets'] },
    instance: {
      collect: async (request) => {
        const reading = await darwin.collect(request);
        if (reading.status !== 'ok') return reading;
        const listening = [
          { port: 3000, pid: 7303 },
          { port: 11434, pid: 7101 },
        ];
        return ok({ ...reading.value, sockets: { listening, connections: [] } }, clock.now());
      },
    },
  };
  const settings = testSettings((s) => {
    s.services = [
      { id: 'next', name: 'Next.js', ports: [3000], processNames: [] },
      { id: 'ollama', name: 'Ollama', ports: [11434], processNames: [] },
    ];
  });
  const sampler = new Sampler({
    collectors: [collector],
    settings: () => settings,
    now: clock.now,
    platform: 'darwin',
    selfPid: 99_999,
  });
  const sample = await sampler.tick();
  return (id: string) => sample.services.find((s) => s.id === id)!;
}

test('macOS: a service includes its launchers in the listener’s process group, not launchd or the shell', async () => {
  const service = await servicesFrom(PS_WITH_GROUPS, PS_ARGS);
  const next = service('next');
  assert.deepEqual(
    [...next.pids].sort((a, b) => a - b),
    [7280, 7290, 7303],
    'npm run dev → next dev → next-server',
  );
  assert.equal(next.rssBytes, (40960 + 65024 + 262144) * KIB);
  const ollama = service('ollama');
  assert.deepEqual(ollama.pids, [7101], 'launchd (pid 1, its own group) is not part of Ollama');
  assert.equal(ollama.rssBytes, 48112 * KIB);
});

test('macOS: ps output without the group column finds no launchers (unknown, not guessed)', async () => {
  const older = PS_WITH_GROUPS.replace(/^(\s*\d+\s+\d+)\s+\d+/gm, '$1');
  const service = await servicesFrom(older, PS_ARGS);
  assert.deepEqual(service('next').pids, [7303], 'only the listener and its descendants');
  assert.equal(service('next').rssBytes, 262144 * KIB);
});
