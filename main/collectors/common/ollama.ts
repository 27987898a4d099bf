import { absent, failed, ok, type Reading } from '../../contract/index.js';
import type { CollectorEnv, CollectorInstance, Observation, OllamaModel } from '../types.js';

export const OLLAMA_PS_URL = 'http://127.0.0.1:11434/api/ps';
const TIMEOUT_MS = 1000;
/**
 * A refused connection (nothing listens on the port) is trusted this long: a failed fetch costs more
 * CPU than the rest of an idle tick's collectors together, and a server that starts is seen within
 * this time.
 */
export const OLLAMA_NOT_RUNNING_RECHECK_MS = 30_000;

export type OllamaPsOutcome = { ok: true; value: OllamaModel[] } | { ok: false; error: string };

/**
 * Parses Ollama's `GET /api/ps` body. A model kept forever (keep_alive < 0) has an expiry far in the
 * future or the zero time; both read as "never" (null).
 */
export function parseOllamaPs(text: string): OllamaPsOutcome {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    // V8 quotes the offending text, newlines included; the error stays one line.
    return { ok: false, error: `not JSON: ${(error as Error).message.replace(/\s+/g, ' ')}` };
  }
  const models = (body as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) return { ok: false, error: "no 'models' array" };
  const parsed: OllamaModel[] = [];
  for (const model of models) {
    if (typeof model !== 'object' || model === null) return { ok: false, error: 'a model is not an object' };
    const m = model as Record<string, unknown>;
    if (typeof m['name'] !== 'string' || typeof m['size'] !== 'number') {
      return { ok: false, error: "a model has no 'name' or 'size'" };
    }
    // JSON.parse reads 1e309 as Infinity: a size must be a finite count of bytes.
    if (!Number.isFinite(m['size']) || m['size'] < 0) {
      return { ok: false, error: `model '${m['name'].slice(0, 60)}' has no usable size` };
    }
    parsed.push({
      name: m['name'],
      sizeBytes: m['size'],
      sizeVramBytes:
        Number.isFinite(m['size_vram']) && (m['size_vram'] as number) >= 0 ? (m['size_vram'] as number) : 0,
      expiresAt: expiry(m['expires_at']),
    });
  }
  return { ok: true, value: parsed };
}

const NEVER_AFTER = Date.UTC(2200, 0, 1);

function expiry(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const at = Date.parse(value);
  if (Number.isNaN(at) || at <= 0 || at >= NEVER_AFTER) return null;
  return at;
}

function portOf(url: string): number {
  const parsed = new URL(url);
  return parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
}

/** fetch rejects with a TypeError whose cause carries the socket's error code. */
function connectionRefused(error: unknown): boolean {
  return (error as { cause?: { code?: unknown } } | null)?.cause?.code === 'ECONNREFUSED';
}

/**
 * Probes the local Ollama server; absent when nothing listens on its port, which is then asked again
 * only after `OLLAMA_NOT_RUNNING_RECHECK_MS` rather than on every tick.
 */
export function createOllamaCollector(env: CollectorEnv, url = OLLAMA_PS_URL): CollectorInstance {
  let refusedAt: number | null = null;
  return {
    async collect(): Promise<Reading<Observation>> {
      const at = env.now();
      // A clock that went backwards ends the memory at once.
      if (refusedAt !== null && at >= refusedAt && at - refusedAt < OLLAMA_NOT_RUNNING_RECHECK_MS) {
        return absent('not-present', 'Ollama is not running');
      }
      refusedAt = null;
      let response: Response;
      try {
        response = await env.fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'TimeoutError' || name === 'AbortError') {
          return failed(`ollama: no answer from ${url} within ${TIMEOUT_MS} ms`);
        }
        if (connectionRefused(error)) refusedAt = at;
        return absent('not-present', 'Ollama is not running');
      }
      if (!response.ok) return failed(`ollama: ${url} answered HTTP ${response.status}`);
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        return failed(`ollama: ${(error as Error).message}`);
      }
      const parsed = parseOllamaPs(text);
      if (!parsed.ok) return failed(`ollama /api/ps: ${parsed.error}`);
      return ok({ ollama: parsed.value, selfRequests: [{ port: portOf(url), count: 1 }] }, env.now());
    },
  };
}
