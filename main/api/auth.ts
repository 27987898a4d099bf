import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';

export const TOKEN_FILE_NAME = 'api-token';
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32,256}$/;

export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Reads `<dataDir>/api-token`, creating it (random, mode 0600) on first start. A file that is empty
 * or malformed is replaced; one readable by others is tightened to 0600.
 */
export async function loadOrCreateToken(dataDir: string): Promise<string> {
  const path = join(dataDir, TOKEN_FILE_NAME);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const existing = await readExistingToken(path);
  if (existing !== null) return existing;
  const token = createToken();
  try {
    await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw labelled(error, path);
    // Another process created it between our read and write, or it was malformed: take it over.
    const raced = await readExistingToken(path);
    if (raced !== null) return raced;
    await writeFile(path, `${token}\n`, { mode: 0o600 });
  }
  await chmod(path, 0o600);
  return token;
}

async function readExistingToken(path: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw labelled(error, path);
  }
  const token = text.trim();
  if (!TOKEN_SHAPE.test(token)) return null;
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0 && process.platform !== 'win32') await chmod(path, 0o600);
  return token;
}

function labelled(error: unknown, path: string): Error {
  return new Error(`cannot read or create the API token ${path}: ${(error as Error).message}`);
}

export function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Cookies are not scoped by port, so the name carries it: two monitors never overwrite each other. */
export function sessionCookieName(port: number): string {
  return `idlewatt_session_${port}`;
}

/** The cookie holds a value derived from the token, not the token itself. */
export function sessionCookieValue(token: string): string {
  return createHmac('sha256', token).update('idlewatt-browser-session').digest('base64url');
}

export function sessionCookieHeader(port: number, token: string): string {
  return `${sessionCookieName(port)}=${sessionCookieValue(token)}; Path=/; HttpOnly; SameSite=Strict`;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

/** `Authorization: Bearer <token>` or the session cookie set by the dashboard URL. */
export function isAuthorized(req: IncomingMessage, token: string, port: number): boolean {
  const bearer = bearerToken(req.headers.authorization);
  if (bearer !== null) return tokensEqual(bearer, token);
  const cookie = parseCookies(req.headers.cookie).get(sessionCookieName(port));
  return cookie !== undefined && tokensEqual(cookie, sessionCookieValue(token));
}
