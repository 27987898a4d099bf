import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchServices, withAncestors } from '../../../main/sampler/service-matcher.js';
import { proc } from './scripted.js';

const services = [
  { id: 'nextjs', name: 'Next.js', ports: [3000], processNames: [] },
  { id: 'ollama', name: 'Ollama', ports: [11434], processNames: ['ollama'] },
  { id: 'piper', name: 'Piper', ports: [], processNames: [], commandPattern: 'piper\\.server' },
];

test('a service owns its listener, name and pattern matches, and all their descendants', () => {
  const processes = [
    proc(10, 0, { name: 'node' }), // listens on 3000
    proc(11, 0, { ppid: 10, name: 'node' }), // next-server child
    proc(12, 0, { ppid: 11, name: 'esbuild' }), // grandchild
    proc(20, 0, { name: 'ollama' }), // matched by name, no listener known yet
    proc(21, 0, { ppid: 20, name: 'ollama_llama_server' }),
    proc(30, 0, { name: 'python3', command: 'python3 -m piper.server --port 11402' }),
    proc(40, 0, { name: 'bash' }),
  ];
  // No time budget here: on a loaded machine the first match alone may exceed it.
  const matches = matchServices(services, processes, new Map([[3000, 10]]), { patternBudgetMs: Infinity });
  assert.deepEqual(matches.get('nextjs'), { pids: [10, 11, 12], ports: [3000] });
  assert.deepEqual(matches.get('ollama'), { pids: [20, 21], ports: [] });
  assert.deepEqual(matches.get('piper'), { pids: [30], ports: [] });
});

test('a listener pid that no longer exists is not claimed, and nothing is claimed twice', () => {
  const processes = [proc(20, 0, { name: 'ollama' })];
  const twice = [...services, { id: 'dup', name: 'Dup', ports: [], processNames: ['ollama'] }];
  const matches = matchServices(twice, processes, new Map([[3000, 999]]));
  assert.deepEqual(matches.get('nextjs'), { pids: [], ports: [] });
  assert.deepEqual(matches.get('ollama')!.pids, [20]);
  assert.deepEqual(matches.get('dup')!.pids, []);
});

test('a process that is its own parent does not loop', () => {
  const matches = matchServices(services, [proc(10, 0, { ppid: 10 })], new Map([[3000, 10]]));
  assert.deepEqual(matches.get('nextjs')!.pids, [10]);
});

test(
  'a catastrophic-backtracking pattern matches a long command line at once (linear-time engine)',
  { timeout: 10_000 },
  () => {
    const evil = [{ id: 'evil', name: 'Evil', ports: [], processNames: [], commandPattern: '(.*.*)*Z' }];
    // JavaScript's backtracking RegExp needs about 20 s for these 14 characters (and doubles per character).
    const processes = [proc(50, 0, { name: 'python3', command: 'a'.repeat(14) })];
    const started = Date.now();
    const matches = matchServices(evil, processes, new Map(), { patternBudgetMs: Infinity });
    assert.deepEqual(matches.get('evil')!.pids, []);
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  },
);

test('pattern matching stops at its time budget and resumes on the next tick, remembering answers', () => {
  const heavy = [
    { id: 'heavy', name: 'Heavy', ports: [], processNames: [], commandPattern: '(?:a|b){150}c' },
  ];
  const processes = Array.from({ length: 40 }, (_, i) =>
    proc(100 + i, 0, { name: 'node', command: `node ${'ab'.repeat(80 + i)}c` }),
  );
  const first = matchServices(heavy, processes, new Map(), { patternBudgetMs: 0 }).get('heavy')!.pids.length;
  assert.ok(first >= 1 && first < processes.length, `first tick matched ${first}`);
  let matched = first;
  for (let tick = 0; tick < processes.length && matched < processes.length; tick++) {
    const now = matchServices(heavy, processes, new Map(), { patternBudgetMs: 0 }).get('heavy')!.pids.length;
    assert.ok(now > matched, 'every tick adds at least one remembered answer');
    matched = now;
  }
  assert.equal(matched, processes.length);
});

test('launchers join their service: ancestors in the listener’s process group, up to the session’s shell', () => {
  // bash (session leader 5) → npm (group 50) → sh -c → node next dev → next-server (listens on 3000)
  const processes = [
    proc(5, 0, { name: 'bash', pgid: 5, sid: 5 }),
    proc(50, 0, { ppid: 5, name: 'npm', pgid: 50, sid: 5, rssBytes: 40_000_000 }),
    proc(51, 0, { ppid: 50, name: 'sh', pgid: 50, sid: 5 }),
    proc(52, 0, { ppid: 51, name: 'node', command: 'node next dev', pgid: 50, sid: 5 }),
    proc(53, 0, { ppid: 52, name: 'next-server', pgid: 50, sid: 5 }),
    proc(54, 0, { ppid: 52, name: 'node', command: 'type-check worker', pgid: 50, sid: 5 }),
  ];
  const matches = matchServices(services, processes, new Map([[3000, 53]]));
  assert.deepEqual(matches.get('nextjs')!.pids, [50, 51, 52, 53, 54], 'the shell stays out');
});

test('no launchers across process groups, above a script that starts several services, or above IdleWatt', () => {
  const processes = [
    proc(5, 0, { name: 'bash', pgid: 5, sid: 5 }),
    proc(60, 0, { ppid: 5, name: 'start-stack.sh', pgid: 60, sid: 5 }),
    proc(61, 0, { ppid: 60, name: 'next-server', pgid: 60, sid: 5 }), // :3000
    proc(62, 0, { ppid: 60, name: 'ollama', pgid: 60, sid: 5 }),
    proc(70, 0, { ppid: 1, name: 'systemd-run', pgid: 70, sid: 70 }),
    proc(71, 0, { ppid: 70, name: 'python3', command: 'python3 -m piper.server', pgid: 71, sid: 70 }),
  ];
  const matches = matchServices(services, processes, new Map([[3000, 61]]));
  assert.deepEqual(matches.get('nextjs')!.pids, [61], 'the script also starts ollama');
  assert.deepEqual(matches.get('ollama')!.pids, [62]);
  assert.deepEqual(matches.get('piper')!.pids, [71], 'its parent is in another process group');

  const monitored = [
    proc(5, 0, { name: 'bash', pgid: 5, sid: 5 }),
    proc(80, 0, { ppid: 5, name: 'node', command: 'node tests/run.mjs', pgid: 80, sid: 5 }),
    proc(81, 0, { ppid: 80, name: 'idlewatt', pgid: 80, sid: 5 }),
    proc(82, 0, { ppid: 80, name: 'next-server', pgid: 80, sid: 5 }),
  ];
  const withSelf = matchServices(services, monitored, new Map([[3000, 82]]), {
    notLaunchers: withAncestors(81, monitored),
  });
  assert.deepEqual(withSelf.get('nextjs')!.pids, [82], 'IdleWatt’s parent launches no service');
  assert.deepEqual(
    [...withAncestors(81, monitored)].sort((a, b) => a - b),
    [1, 5, 80, 81],
  );
});
