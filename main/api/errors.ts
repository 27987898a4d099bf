import type { ServerResponse } from 'node:http';
import type { HttpErrorBody } from '../contract/index.js';

export type FieldProblem = { field: string; reason: string };

/** An error that becomes a JSON `{error, detail}` response with its status; never carries a stack out. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly fields?: FieldProblem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string, fields?: FieldProblem[]): HttpError =>
  new HttpError(400, 'bad-request', detail, fields);
export const notFound = (detail: string): HttpError => new HttpError(404, 'not-found', detail);
export const forbidden = (detail: string): HttpError => new HttpError(403, 'forbidden', detail);
export const unauthorized = (detail: string): HttpError =>
  new HttpError(401, 'unauthorized', detail, undefined, { 'WWW-Authenticate': 'Bearer realm="idlewatt"' });
export const methodNotAllowed = (method: string, allowed: readonly string[]): HttpError =>
  new HttpError(
    405,
    'method-not-allowed',
    `${method} is not allowed here; use ${allowed.join(' or ')}`,
    undefined,
    {
      Allow: allowed.join(', '),
    },
  );

/** Headers every response carries: no sniffing, no framing, no referrer (the dashboard URL has a token). */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const API_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonText(res, status, JSON.stringify(body) ?? 'null', headers);
}

export function sendJsonText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const payload = Buffer.from(text, 'utf8');
  res.writeHead(status, {
    ...BASE_HEADERS,
    ...API_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(payload.length),
    ...headers,
  });
  res.end(payload);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  const body: HttpErrorBody = { error: error.code, detail: error.detail };
  if (error.fields && error.fields.length > 0) body.fields = error.fields;
  sendJson(res, error.status, body, error.headers);
}

/** What a client sees for an unexpected failure: the message, never the stack. */
export function internalError(error: unknown): HttpError {
  const message = error instanceof Error ? error.message : String(error);
  return new HttpError(500, 'internal', message || 'internal error');
}
