import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchServices } from '../../../main/sampler/service-matcher.js';
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
  const matches = matchServices(services, processes, new Map([[3000, 10]]), Infinity);
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
    const matches = matchServices(evil, processes, new Map(), Infinity);
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
  const first = matchServices(heavy, processes, new Map(), 0).get('heavy')!.pids.length;
  assert.ok(first >= 1 && first < processes.length, `first tick matched ${first}`);
  let matched = first;
  for (let tick = 0; tick < processes.length && matched < processes.length; tick++) {
    const now = matchServices(heavy, processes, new Map(), 0).get('heavy')!.pids.length;
    assert.ok(now > matched, 'every tick adds at least one remembered answer');
    matched = now;
  }
  assert.equal(matched, processes.length);
});
