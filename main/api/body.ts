import type { IncomingMessage } from 'node:http';
import { badRequest, HttpError } from './errors.js';

export const MAX_BODY_BYTES = 64 * 1024;

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'payload-too-large', `request body is over ${limit / 1024} KB`, undefined, {
    Connection: 'close',
  });
}

/** Reads the body, refusing (413) anything over `limit` bytes before buffering it. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error: HttpError | null) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      if (error) {
        req.resume();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(tooLarge(limit));
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => finish(null));
    req.on('error', () => finish(badRequest('the request body could not be read')));
  });
}

/** The parsed JSON body; with `optional`, an empty body gives undefined instead of a 400. */
export async function readJsonBody(
  req: IncomingMessage,
  options: { optional?: boolean; limit?: number } = {},
): Promise<unknown> {
  const limit = options.limit ?? MAX_BODY_BYTES;
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) {
    throw badRequest(`request body must be application/json (got '${type}')`, [
      { field: 'Content-Type', reason: 'must be application/json' },
    ]);
  }
  const body = await readBody(req, limit);
  if (body.length === 0) {
    if (options.optional) return undefined;
    throw badRequest('request body is empty; expected JSON');
  }
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw badRequest(`request body is not valid JSON: ${(error as Error).message}`, [
      { field: '(body)', reason: 'invalid JSON' },
    ]);
  }
}
