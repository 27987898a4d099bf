import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { realpathSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError } from '../../../main/api/errors.js';
import { contentTypeFor, resolveStaticPath, serveStatic } from '../../../main/api/static-files.js';
import { makeStaticDir } from './server-harness.js';

async function statusOf(root: string, path: string): Promise<number> {
  try {
    await resolveStaticPath(root, path);
    return 200;
  } catch (error) {
    assert.ok(error instanceof HttpError, String(error));
    return error.status;
  }
}

test('files inside the root resolve; / is index.html', async (t) => {
  const root = makeStaticDir(t);
  const real = realpathSync(root);
  assert.equal(await resolveStaticPath(root, '/'), join(real, 'index.html'));
  assert.equal(await resolveStaticPath(root, '/assets/icon.svg'), join(real, 'assets', 'icon.svg'));
  assert.equal(await resolveStaticPath(root, '//app.js'), join(real, 'app.js'));
  assert.equal(await statusOf(root, '/assets'), 404, 'a directory is not a file');
  assert.equal(await statusOf(root, '/nope.js'), 404);
});

test('traversal in any spelling, NUL bytes and escaping symlinks are refused', async (t) => {
  const root = makeStaticDir(t);
  for (const path of [
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2Fsecret.txt',
    '/..%5csecret.txt',
    '/./app.js',
  ]) {
    assert.equal(await statusOf(root, path), 403, path);
  }
  assert.equal(await statusOf(root, '/leak.txt'), 403, 'symlink to a file outside the root');
  assert.equal(await statusOf(root, '/%00'), 400);
  assert.equal(await statusOf(root, '/%E0%A4%A'), 400);
  assert.equal(await statusOf(root, '/%252e%252e/secret.txt'), 404, 'double encoding is a literal name');
});

test('content types', () => {
  assert.equal(contentTypeFor('a/index.html'), 'text/html; charset=utf-8');
  assert.equal(contentTypeFor('app.js'), 'text/javascript; charset=utf-8');
  assert.equal(contentTypeFor('app.js.map'), 'application/json; charset=utf-8');
  assert.equal(contentTypeFor('STYLES.CSS'), 'text/css; charset=utf-8');
  assert.equal(contentTypeFor('font.woff2'), 'font/woff2');
  assert.equal(contentTypeFor('blob.bin'), 'application/octet-stream');
});

test('a client that goes away mid-transfer ends the transfer and closes the file', async (t) => {
  const root = makeStaticDir(t);
  writeFileSync(join(root, 'big.js'), Buffer.alloc(8 * 1024 * 1024, 0x61));
  let finished!: () => void;
  const served = new Promise<void>((resolve) => (finished = resolve));
  const server = createServer((req, res) => {
    void serveStatic(root, '/big.js', 'GET', res).then(finished);
  });
  t.after(() => server.close());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', path: '/big.js' }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', () => undefined);
    req.once('error', reject);
    req.end();
  });
  const outcome = await Promise.race([
    served.then(() => 'done'),
    new Promise((resolve) => setTimeout(resolve, 3000, 'still open')),
  ]);
  assert.equal(outcome, 'done');
});
