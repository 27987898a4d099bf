import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers.js';

const BURNER = join(REPO_ROOT, 'tests/integration/cpu-burner.mjs');

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export async function startBurner(port: number, share: number): Promise<ChildProcess> {
  const child = fork(BURNER, [String(port), String(share)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const [message] = (await once(child, 'message')) as [{ type: string }];
  assert.equal(message.type, 'listening');
  return child;
}

const PEER = join(REPO_ROOT, 'tests/integration/traffic-peer.mjs');

const PEER_WAIT_MS = 15_000;

/** The next message from a traffic peer, or an error after 15 s. */
export async function peerMessage(child: ChildProcess): Promise<{ type: string; port?: number }> {
  const [message] = (await once(child, 'message', { signal: AbortSignal.timeout(PEER_WAIT_MS) })) as [
    { type: string; port?: number },
  ];
  return message;
}

/**
 * A traffic-peer process (see traffic-peer.mjs); resolves with its port once it listens, or when it
 * has connected or its request is done.
 */
export async function startPeer(args: string[]): Promise<{ child: ChildProcess; port: number | null }> {
  const child = fork(PEER, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const message = await peerMessage(child);
    return { child, port: message.port ?? null };
  } catch (error) {
    child.kill();
    throw error;
  }
}
