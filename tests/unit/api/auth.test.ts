import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  bearerToken,
  isAuthorized,
  loadOrCreateToken,
  parseCookies,
  sessionCookieHeader,
  sessionCookieName,
  sessionCookieValue,
  TOKEN_FILE_NAME,
  tokensEqual,
} from '../../../main/api/auth.js';
import { tempDir } from '../../helpers.js';

const posix = process.platform !== 'win32';

test('the first start creates a random token file with mode 0600; later starts read it', async (t) => {
  const dir = join(tempDir(t), 'nested', 'data');
  const token = await loadOrCreateToken(dir);
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  const path = join(dir, TOKEN_FILE_NAME);
  assert.equal(readFileSync(path, 'utf8').trim(), token);
  if (posix) assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(await loadOrCreateToken(dir), token);
  const other = await loadOrCreateToken(tempDir(t));
  assert.notEqual(other, token, 'each data dir gets its own random token');
});

test('a malformed token file is replaced; a world-readable one is tightened', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, TOKEN_FILE_NAME);
  writeFileSync(path, 'short\n');
  const replaced = await loadOrCreateToken(dir);
  assert.notEqual(replaced, 'short');
  assert.equal(readFileSync(path, 'utf8').trim(), replaced);

  const kept = 'K'.repeat(40);
  writeFileSync(path, `${kept}\n`, { mode: 0o644 });
  chmodSync(path, 0o644);
  assert.equal(await loadOrCreateToken(dir), kept);
  if (posix) assert.equal(statSync(path).mode & 0o777, 0o600);
});

test('an unreadable data dir is a labelled error', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'not-a-dir');
  writeFileSync(file, 'x');
  await assert.rejects(loadOrCreateToken(file), /not-a-dir|cannot read or create the API token/);
});

test('token, bearer and cookie helpers', () => {
  assert.equal(tokensEqual('abc', 'abc'), true);
  assert.equal(tokensEqual('abc', 'abd'), false);
  assert.equal(tokensEqual('abc', 'abcd'), false);
  assert.equal(bearerToken('Bearer xyz'), 'xyz');
  assert.equal(bearerToken('bearer   xyz '), 'xyz');
  assert.equal(bearerToken('Basic xyz'), null);
  assert.equal(bearerToken(undefined), null);
  assert.deepEqual(
    [...parseCookies('a=1; idlewatt_session_8787=v=x; bad')],
    [
      ['a', '1'],
      ['idlewatt_session_8787', 'v=x'],
    ],
  );
  assert.equal(sessionCookieName(8787), 'idlewatt_session_8787');
  assert.notEqual(sessionCookieValue('t1'), sessionCookieValue('t2'));
  assert.match(
    sessionCookieHeader(8787, 't1'),
    /^idlewatt_session_8787=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/,
  );
});

test('isAuthorized accepts the bearer token or this port’s session cookie only', () => {
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
  const token = 'T'.repeat(43);
  const cookie = `${sessionCookieName(8787)}=${sessionCookieValue(token)}`;
  assert.equal(isAuthorized(req({ authorization: `Bearer ${token}` }), token, 8787), true);
  assert.equal(isAuthorized(req({ cookie }), token, 8787), true);
  assert.equal(isAuthorized(req({ cookie }), token, 8788), false, 'another port’s cookie');
  assert.equal(isAuthorized(req({ cookie: `${sessionCookieName(8787)}=${token}` }), token, 8787), false);
  assert.equal(
    isAuthorized(req({ authorization: 'Bearer nope', cookie }), token, 8787),
    false,
    'a wrong bearer wins',
  );
  assert.equal(isAuthorized(req({}), token, 8787), false);
});
