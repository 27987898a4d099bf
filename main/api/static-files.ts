import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { BASE_HEADERS, badRequest, forbidden, notFound } from './errors.js';

/** The renderer's policy, plus frame-ancestors (which a meta tag cannot set). */
export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a URL path to a file under `root`, refusing traversal in every spelling: `..` segments
 * (raw, percent-encoded, with backslashes), NUL bytes, and symlinks that lead outside the root.
 */
export async function resolveStaticPath(root: string, urlPath: string): Promise<string> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    throw badRequest(`the path '${urlPath.slice(0, 80)}' is not valid percent-encoding`);
  }
  if (decoded.includes('\0')) throw badRequest('the path contains a NUL byte');
  const segments = decoded.split(/[/\\]+/).filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) throw forbidden('the path leaves the dashboard folder');
  const relativePath = segments.length === 0 ? 'index.html' : segments.join(sep);
  const realRoot = await realpath(root);
  const candidate = join(realRoot, relativePath);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw notFound(`no file at ${urlPath}`);
  }
  const inside = relative(realRoot, real);
  if (inside.startsWith('..') || isAbsolute(inside)) throw forbidden('the path leaves the dashboard folder');
  const info = await stat(real);
  if (!info.isFile()) throw notFound(`no file at ${urlPath}`);
  return real;
}

export async function serveStatic(
  root: string,
  urlPath: string,
  method: string,
  res: ServerResponse,
): Promise<void> {
  const file = await resolveStaticPath(root, urlPath);
  const info = await stat(file);
  const type = contentTypeFor(file);
  res.writeHead(200, {
    ...BASE_HEADERS,
    'Content-Type': type,
    'Content-Length': String(info.size),
    'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'no-cache',
    'Content-Security-Policy': RENDERER_CSP,
  });
  if (method === 'HEAD') {
    res.end();
    return;
  }
  // pipeline (not pipe) closes the file when the client goes away mid-transfer.
  await pipeline(createReadStream(file), res).catch(() => {
    res.destroy();
  });
}
