import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWatcherCount } from '../../../main/assembly/watchers.js';

test('watched is a count: closing the popover while a dashboard streams keeps fast sampling', () => {
  const changes: boolean[] = [];
  const watchers = createWatcherCount((watched) => changes.push(watched));
  watchers.set('popover', 1);
  watchers.set('dashboard streams', 2);
  watchers.set('popover', 0);
  assert.deepEqual(changes, [true], 'still watched by two dashboards');
  watchers.set('dashboard streams', 0);
  assert.deepEqual(changes, [true, false]);
  assert.equal(watchers.total, 0);
});

test('repeated and nonsense counts change nothing and never go negative', () => {
  const changes: boolean[] = [];
  const watchers = createWatcherCount((watched) => changes.push(watched));
  watchers.set('popover', 0);
  watchers.set('popover', -3);
  watchers.set('popover', Number.NaN);
  assert.deepEqual(changes, []);
  watchers.set('popover', 1);
  watchers.set('popover', 1);
  assert.deepEqual(changes, [true]);
});
