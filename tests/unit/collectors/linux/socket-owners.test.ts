import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  SocketOwnerCache,
  socketInodesOf,
  type OwnerQuery,
} from '../../../../main/collectors/linux/socket-owners.js';
import { tempDir } from '../../../helpers.js';

const MIN = 60_000;

/** A /proc tree where each pid holds the given socket inodes at fds 3, 4, …. */
function procTree(root: string, holders: Record<number, number[]>): void {
  for (const [pid, inodes] of Object.entries(holders)) hold(root, Number(pid), inodes);
}

function hold(root: string, pid: number, inodes: number[]): void {
  const fd = join(root, String(pid), 'fd');
  mkdirSync(fd, { recursive: true });
  symlinkSync('/dev/null', join(fd, '0'));
  inodes.forEach((inode, i) => symlinkSync(`socket:[${inode}]`, join(fd, String(i + 3))));
}

function query(serverInodes: number[], slow: boolean, more: Partial<OwnerQuery> = {}): OwnerQuery {
  return {
    serverInodes: new Set(serverInodes),
    clientInodes: new Set(),
    watchPids: new Set(),
    clientPids: new Set(),
    slow,
    liveInodes: slow ? new Set(serverInodes) : null,
    ...more,
  };
}

function ownersCache(root: string) {
  const clock = { now: 1_000_000 };
  return { clock, cache: new SocketOwnerCache(root, () => clock.now) };
}

test('socketInodesOf: the socket inodes among a process’s descriptors; null when its fd/ is gone', (t) => {
  const root = tempDir(t);
  procTree(root, { 10: [41, 42] });
  symlinkSync('pipe:[77]', join(root, '10', 'fd', '9'));
  symlinkSync('socket:[oops]', join(root, '10', 'fd', '10'));
  assert.deepEqual(socketInodesOf(root, 10)?.sort(), [41, 42]);
  assert.equal(socketInodesOf(root, 11), null);
});

test('an owner found once stands between slow ticks; the slow tick sees it let go and finds the new holder', (t) => {
  const root = tempDir(t);
  procTree(root, { 10: [41], 20: [] });
  const { cache } = ownersCache(root);
  assert.equal(cache.resolve(query([41], true)).owners.get(41), 10);
  // The socket is handed to 20 and 10 closes its copy: fast ticks keep the remembered owner…
  unlinkSync(join(root, '10', 'fd', '3'));
  symlinkSync('socket:[41]', join(root, '20', 'fd', '3'));
  assert.equal(cache.resolve(query([41], false)).owners.get(41), 10);
  // …the slow tick re-reads 10's descriptors, no longer finds it and searches again.
  assert.equal(cache.resolve(query([41], true)).owners.get(41), 20);
  // An owner that exited is let go the same way.
  rmSync(join(root, '20'), { recursive: true });
  hold(root, 30, [41]);
  assert.equal(cache.resolve(query([41], true)).owners.get(41), 30);
});

test('a socket nobody readable holds is searched only in new processes on slow ticks, and in all every 10 min', (t) => {
  const root = tempDir(t);
  procTree(root, { 10: [], 20: [] });
  const { clock, cache } = ownersCache(root);
  assert.equal(cache.resolve(query([99], true)).owners.has(99), false);
  // An existing process that comes to hold it (a descriptor passed over a socket) is not read again…
  symlinkSync('socket:[99]', join(root, '20', 'fd', '3'));
  clock.now += 30_000;
  assert.equal(cache.resolve(query([99], true)).owners.has(99), false);
  // …until the periodic walk of every process.
  clock.now += 10 * MIN;
  assert.equal(cache.resolve(query([99], true)).owners.get(99), 20);

  // A new process (a fork inheriting the socket) is read on the next slow tick.
  procTree(root, { 30: [] });
  assert.equal(cache.resolve(query([98], true)).owners.has(98), false);
  hold(root, 40, [98]);
  clock.now += 30_000;
  assert.equal(cache.resolve(query([98], false)).owners.has(98), false, 'fast ticks do not search again');
  assert.equal(cache.resolve(query([98], true)).owners.get(98), 40);
});

test('a busy service bringing a new socket on every slow tick does not hold up the search for an unowned one', (t) => {
  const root = tempDir(t);
  procTree(root, { 10: [1000], 20: [] });
  const { clock, cache } = ownersCache(root);
  const watched = { watchPids: new Set([10]) };
  assert.equal(cache.resolve(query([1000, 99], true, watched)).owners.has(99), false);
  hold(root, 30, [99]);
  symlinkSync('socket:[1001]', join(root, '10', 'fd', '4'));
  clock.now += 30_000;
  // The walk for 1001 stops at the watched pid 10; the new process 30 is still read for 99.
  const owners = cache.resolve(query([1000, 1001, 99], true, watched)).owners;
  assert.equal(owners.get(1001), 10);
  assert.equal(owners.get(99), 30);
});

test('a socket several processes hold goes to the watched one once it is watched', (t) => {
  const root = tempDir(t);
  procTree(root, { 10: [51], 20: [51] });
  const { cache } = ownersCache(root);
  assert.equal(cache.resolve(query([51], true)).owners.get(51), 10);
  assert.equal(cache.resolve(query([51], true, { watchPids: new Set([20]) })).owners.get(51), 20);
});

test('a new socket is searched among the watched pids first and the walk stops once it is found', (t) => {
  const root = tempDir(t);
  procTree(root, { 10: [51], 20: [51] });
  const { cache } = ownersCache(root);
  const owners = cache.resolve(query([51], true, { watchPids: new Set([20]) })).owners;
  assert.equal(owners.get(51), 20);
});

test('a walk of every process for a new socket also notes the owner of one nobody held before', (t) => {
  const root = tempDir(t);
  procTree(root, { 10: [], 20: [] });
  const { cache } = ownersCache(root);
  cache.resolve(query([99], true));
  symlinkSync('socket:[99]', join(root, '20', 'fd', '3'));
  // A new listener nobody holds either: its walk reads every process, 20 included.
  const owners = cache.resolve(query([99, 97], false)).owners;
  assert.equal(owners.get(99), 20);
  assert.equal(owners.has(97), false);
});

test('client ends are searched among the client pids only; again when those change', (t) => {
  const root = tempDir(t);
  procTree(root, { 10: [], 60: [71] });
  const { cache } = ownersCache(root);
  const client = (pids: number[]) =>
    query([], false, { clientInodes: new Set([71]), clientPids: new Set(pids) });
  const first = cache.resolve(client([10]));
  assert.equal(first.owners.has(71), false);
  assert.deepEqual(first.unfoundClients, [71]);
  assert.deepEqual(cache.resolve(client([10])).unfoundClients, [], 'not searched again among the same pids');
  assert.equal(cache.resolve(client([10, 60])).owners.get(71), 60);
});

test('a socket the kernel no longer has is forgotten when a read saw every socket', (t) => {
  const root = tempDir(t);
  procTree(root, { 10: [41] });
  const { cache } = ownersCache(root);
  assert.equal(cache.resolve(query([41], true)).owners.get(41), 10);
  assert.equal(cache.resolve(query([], true)).owners.has(41), false);
});
