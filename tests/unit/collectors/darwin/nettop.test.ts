import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  createNettopCollector,
  NETTOP_ARGS,
  parseNettop,
} from '../../../../main/collectors/darwin/nettop.js';
import { ProcessTrafficTracker } from '../../../../main/sampler/process-traffic.js';
import { FIXTURES } from '../../../helpers.js';

const SAMPLE = readFileSync(join(FIXTURES, 'nettop', 'own-nettop-P-L1-x.csv'), 'utf8');

test('nettop -P -L 1 -x: name.pid rows with cumulative bytes, names with dots and spaces', () => {
  const parsed = parseNettop(SAMPLE);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.length, 6);
  assert.deepEqual(
    parsed.value.find((p) => p.pid === 7202),
    {
      pid: 7202,
      name: 'Python',
      bytesIn: 902113,
      bytesOut: 2211870,
    },
  );
  assert.equal(parsed.value.find((p) => p.pid === 51458)!.name, 'Code Helper (Pl');
  assert.equal(parsed.value.find((p) => p.pid === 8801)!.name, 'com.apple.WebKi');
});

test('nettop: columns by header name, the last frame wins, connection rows and garbage skipped', () => {
  const text = [
    'time,,interface,state,bytes_out,bytes_in',
    '1,node.10,,,5,7',
    'time,,interface,state,bytes_out,bytes_in',
    '2,node.10,,,50,70',
    '2,tcp4 127.0.0.1:3000<->127.0.0.1:50000,lo0,Established,9,9',
    '2,broken,,,x,y',
  ].join('\n');
  assert.deepEqual(parseNettop(text), {
    ok: true,
    value: [{ pid: 10, name: 'node', bytesIn: 70, bytesOut: 50 }],
  });
  assert.equal(parseNettop('nettop: not permitted').ok, false);
  assert.equal(parseNettop('time,,interface,state\n1,x.1,,\n').ok, false);
});

test('the collector runs nettop without root; missing nettop is absent', async () => {
  const calls: string[] = [];
  const env = {
    sysRoot: '/',
    procRoot: '/',
    now: () => 1,
    fetch: globalThis.fetch,
    exec: async (file: string, args: readonly string[]) => {
      calls.push([file, ...args].join(' '));
      return { stdout: SAMPLE, stderr: '', exitCode: 0 };
    },
  };
  const reading = await createNettopCollector(env).collect({
    slow: false,
    watchPids: new Set(),
    servicePorts: new Set(),
  });
  assert.equal(reading.status, 'ok');
  assert.equal(calls[0], `nettop ${NETTOP_ARGS.join(' ')}`);
  const missing = await createNettopCollector({
    ...env,
    exec: async () => ({ stdout: '', stderr: '', exitCode: null, failure: 'not-found' }),
  }).collect({ slow: false, watchPids: new Set(), servicePorts: new Set() });
  assert.equal(missing.status === 'absent' && missing.reason, 'not-present');
});

test('per-process counters become bytes per service; first sight and a reused pid are unknown, not 0', () => {
  const tracker = new ProcessTrafficTracker();
  const services = new Map([
    ['ollama', [7101]],
    ['console', [7202, 7203]],
  ]);
  const first = tracker.update([{ pid: 7101, name: 'ollama', bytesIn: 100, bytesOut: 1000 }], services);
  assert.equal(first.get('ollama'), null);
  const second = tracker.update(
    [
      { pid: 7101, name: 'ollama', bytesIn: 150, bytesOut: 1600 },
      { pid: 7202, name: 'Python', bytesIn: 10, bytesOut: 10 },
    ],
    services,
  );
  assert.deepEqual(second.get('ollama'), { bytesIn: 50, bytesOut: 600 });
  assert.equal(second.get('console'), null);
  const reused = tracker.update([{ pid: 7101, name: 'other', bytesIn: 1, bytesOut: 1 }], services);
  assert.equal(reused.get('ollama'), null);
});
