import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SegmentCache } from '../../../main/store/segment-cache.js';

const value = (bytes: number, name = '') => ({ bytes, name });

test('an entry is served only for the version it was decoded from', () => {
  const cache = new SegmentCache<{ bytes: number; name: string }>(100);
  cache.beginQuery();
  assert.equal(cache.set('a', 'v1', value(10, 'first')), true);
  assert.equal(cache.get('a', 'v1')?.name, 'first');
  assert.equal(cache.get('a', 'v2'), undefined, 'the file changed');
  assert.equal(cache.size, 0, 'a stale entry is dropped, not kept');
  assert.equal(cache.bytes, 0);
});

test('the least recently used entries go first and the byte budget is never exceeded', () => {
  const cache = new SegmentCache<{ bytes: number; name: string }>(100);
  cache.beginQuery();
  cache.set('a', 'v', value(40));
  cache.set('b', 'v', value(40));
  cache.beginQuery();
  cache.get('a', 'v'); // a is now more recent than b
  cache.beginQuery();
  assert.equal(cache.set('c', 'v', value(40)), true);
  assert.equal(cache.get('b', 'v'), undefined, 'b was the least recently used');
  assert.ok(cache.get('a', 'v'));
  assert.ok(cache.get('c', 'v'));
  assert.equal(cache.bytes, 80);
  assert.equal(cache.set('huge', 'v', value(101)), false, 'larger than the whole budget');
  assert.equal(cache.bytes, 80);
});

test('a query larger than the budget keeps what fits instead of evicting its own segments', () => {
  const cache = new SegmentCache<{ bytes: number; name: string }>(100);
  cache.beginQuery();
  const kept = ['d1', 'd2', 'd3', 'd4'].map((day) => cache.set(day, 'v', value(40)));
  assert.deepEqual(kept, [true, true, false, false]);
  assert.ok(cache.get('d1', 'v') && cache.get('d2', 'v'));
  cache.beginQuery();
  assert.equal(cache.set('d3', 'v', value(40)), true, 'a later query may evict them');
  assert.equal(cache.bytes, 80);
});

test('replacing and deleting an entry keep the byte count right', () => {
  const cache = new SegmentCache<{ bytes: number; name: string }>(100);
  cache.beginQuery();
  cache.set('a', 'v1', value(30));
  cache.set('a', 'v2', value(50));
  assert.equal(cache.bytes, 50);
  assert.equal(cache.get('a', 'v2')?.bytes, 50);
  cache.delete('a');
  cache.delete('a');
  assert.equal(cache.bytes, 0);
  assert.equal(cache.size, 0);
});
