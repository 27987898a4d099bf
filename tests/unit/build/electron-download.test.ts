import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { createResumableDownloader } from '../../../build/electron-runtime.mjs';
import { tempDir } from '../../helpers.js';

const ARTIFACT = randomBytes(256 * 1024);

/** Serves ARTIFACT with Range support; `cutAfter` ends the first response early (a dropped link). */
async function artifactServer(
  t: { after(fn: () => void): void },
  options: { cutAfter?: number; ignoreRange?: boolean },
) {
  const requests: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    requests.push(req.headers);
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range && !options.ignoreRange ? Number(range[1]) : 0;
    const body = ARTIFACT.subarray(start);
    res.writeHead(start > 0 ? 206 : 200, { 'content-length': body.length });
    if (requests.length === 1 && options.cutAfter !== undefined) {
      res.write(body.subarray(0, options.cutAfter), () => res.destroy());
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/electron.zip`, requests };
}

test('a dropped download keeps its bytes and the next attempt resumes with a Range request', async (t) => {
  const dir = tempDir(t);
  const { url, requests } = await artifactServer(t, { cutAfter: 100_000 });
  const lines: string[] = [];
  const downloader = createResumableDownloader({
    partialDir: join(dir, 'partial'),
    log: (line) => lines.push(line),
    progressEveryMs: 0,
  });
  const target = join(dir, 'tmp', 'electron.zip');
  await assert.rejects(downloader.download(url, target), /ended early|terminated|socket|aborted/i);
  assert.ok(!existsSync(target));
  await downloader.download(url, target);
  const resumedAt = Number(/^bytes=(\d+)-$/.exec(requests[1]!.range ?? '')?.[1]);
  assert.ok(resumedAt > 0 && resumedAt <= 100_000, `second request resumes: ${requests[1]!.range}`);
  assert.ok(readFileSync(target).equals(ARTIFACT));
  assert.ok(lines.some((line) => line.startsWith('resuming at')));
  assert.ok(
    lines.some((line) => /of 0\.3 MB \(100 %\)/.test(line)),
    lines.join('\n'),
  );
  assert.ok(
    !existsSync(join(dir, 'partial', 'electron.zip.partial')),
    'the partial file is moved, not copied',
  );
});

test('a server that ignores Range sends the whole file and the partial one is rewritten', async (t) => {
  const dir = tempDir(t);
  const { url } = await artifactServer(t, { cutAfter: 50_000, ignoreRange: true });
  const downloader = createResumableDownloader({ partialDir: join(dir, 'p'), log: () => {} });
  const target = join(dir, 'electron.zip');
  await assert.rejects(downloader.download(url, target));
  await downloader.download(url, target);
  assert.ok(readFileSync(target).equals(ARTIFACT));
});

test('an HTTP error is a plain reason', async (t) => {
  const dir = tempDir(t);
  const server = createServer((_req, res) => res.writeHead(404, 'Not Found').end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const downloader = createResumableDownloader({ partialDir: join(dir, 'p'), log: () => {} });
  await assert.rejects(
    downloader.download(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/x.zip`,
      join(dir, 'x.zip'),
    ),
    /HTTP 404 Not Found/,
  );
});
