import type { IncomingMessage } from 'node:http';
import { isAuthorized } from './auth.js';
import { forbidden, HttpError, unauthorized } from './errors.js';
import { allowedOrigins, isAllowedHost } from './host-check.js';

/**
 * What every request passes before anything else: a Host naming this server (the DNS-rebinding
 * guard), no foreign Origin, and a path as its target. Returns the target as a URL.
 */
export function checkRequest(req: IncomingMessage, port: number, extraHosts: readonly string[]): URL {
  if (!isAllowedHost(req.headers.host, port, extraHosts)) {
    throw forbidden(
      `Host '${(req.headers.host ?? '').slice(0, 100)}' is not allowed (DNS-rebinding guard); use http://127.0.0.1:${port}/`,
    );
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins(port, extraHosts).has(origin)) {
    throw forbidden(`cross-origin requests are not allowed (Origin '${origin.slice(0, 100)}')`);
  }
  const raw = req.url ?? '/';
  if (!raw.startsWith('/')) throw new HttpError(400, 'bad-request', 'the request target must be a path');
  return new URL(raw, 'http://127.0.0.1');
}

/** The bearer token (or the dashboard's session cookie) must be there. */
export function requireAuth(req: IncomingMessage, token: string, port: number): void {
  if (!isAuthorized(req, token, port)) {
    throw unauthorized('send Authorization: Bearer <token> (the token is in <data-dir>/api-token)');
  }
}
