import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { test } from 'node:test';
import { startHarness, TOKEN } from './server-harness.js';

const waitFor = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(check());
};

test('stream clients opening and closing are reported, so the core samples faster only while watched', async (t) => {
  const counts: number[] = [];
  const { port } = await startHarness(t, { onStreamClients: (n) => counts.push(n) });
  const client = connect(port, '127.0.0.1');
  await once(client, 'connect');
  client.write(
    `GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`,
  );
  await waitFor(() => counts.length === 1);
  client.destroy();
  await waitFor(() => counts.length === 2);
  assert.deepEqual(counts, [1, 0]);
});
