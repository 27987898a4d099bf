import type { AlertEvent } from '../../contract/alerts.js';
import { oneLine } from '../one-line.js';

export const WEBHOOK_TIMEOUT_MS = 5_000;
export const WEBHOOK_RETRIES = 2;
const MAX_RETRIES = 5;
const DEFAULT_BACKOFF_MS = 1_000;

export type WebhookResult =
  | { ok: true; status: number; attempts: number }
  | { ok: false; reason: string; attempts: number; status?: number };

export interface WebhookOptions {
  url: string;
  fetch: typeof fetch;
  /** Per attempt, covering the connection, the response and its body. */
  timeoutMs?: number;
  /** Retries after the first attempt (at most 5). */
  retries?: number;
  /** Wait before the first retry; doubles for each one after. */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The event as JSON, plus `text` so Slack-style hooks and ntfy show a readable line. */
export function webhookBody(event: AlertEvent): string {
  return JSON.stringify({ ...event, text: `${event.title}: ${event.message}` });
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Worth another try: the network failed, the receiver timed out, is overloaded or broken. */
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

interface Attempt {
  status?: number;
  error?: string;
}

async function attemptOnce(options: WebhookOptions, body: string, timeoutMs: number): Promise<Attempt> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Attempt>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ error: `timed out after ${timeoutMs} ms` });
    }, timeoutMs);
  });
  const request = (async (): Promise<Attempt> => {
    const response = await options.fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: controller.signal,
      redirect: 'manual',
    });
    // Read (and so release) the body within the same deadline.
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status };
  })().catch((error: unknown) => ({ error: describeError(error) }));
  try {
    // Racing the timer also bounds an injected fetch that ignores the abort signal.
    return await Promise.race([request, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message;
  return oneLine(detail ? `${error.message} (${detail})` : error.message, 200);
}

/** POSTs one event. Never rejects: bounded attempts, each bounded by the timeout. */
export async function sendWebhook(event: AlertEvent, options: WebhookOptions): Promise<WebhookResult> {
  if (!/^https?:\/\/[^\s/]+/i.test(options.url)) {
    return { ok: false, reason: 'the webhook URL must start with http:// or https://', attempts: 0 };
  }
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const retries = Math.max(0, Math.min(MAX_RETRIES, Math.floor(options.retries ?? WEBHOOK_RETRIES)));
  const backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const sleep = options.sleep ?? defaultSleep;
  let body: string;
  try {
    body = webhookBody(event);
  } catch (error) {
    return { ok: false, reason: `the event cannot be serialised: ${(error as Error).message}`, attempts: 0 };
  }
  let last: Attempt = {};
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2));
    last = await attemptOnce(options, body, timeoutMs);
    if (last.status !== undefined && last.status >= 200 && last.status < 300) {
      return { ok: true, status: last.status, attempts: attempt };
    }
    if (last.status !== undefined && !retryable(last.status)) {
      return {
        ok: false,
        status: last.status,
        reason: `the receiver answered ${last.status}`,
        attempts: attempt,
      };
    }
  }
  const reason = last.error ?? `the receiver answered ${last.status}`;
  const failure: WebhookResult = { ok: false, reason, attempts: retries + 1 };
  if (last.status !== undefined) failure.status = last.status;
  return failure;
}

export interface WebhookSinkOptions extends Omit<WebhookOptions, 'url'> {
  /** settings.alerts.webhookUrl; a function so a settings change applies at once. null: no webhook. */
  url: string | null | (() => string | null);
  /** Events waiting beyond this are dropped, oldest first, so a dead receiver cannot grow memory. */
  maxPending?: number;
  onResult?: (event: AlertEvent, result: WebhookResult) => void;
}

export interface WebhookSink {
  /** Queues the event and returns at once; delivery happens in order, in the background. */
  notify(event: AlertEvent): void;
  /** Resolves when everything queued so far has been delivered or given up on. */
  settled(): Promise<void>;
}

export function createWebhookSink(options: WebhookSinkOptions): WebhookSink {
  const queue: AlertEvent[] = [];
  const maxPending = options.maxPending ?? 100;
  let running: Promise<void> | null = null;
  const report = (event: AlertEvent, result: WebhookResult) => {
    try {
      options.onResult?.(event, result);
    } catch {
      // A faulty listener must not stop delivery.
    }
  };
  const currentUrl = () => (typeof options.url === 'function' ? options.url() : options.url);

  async function drain(): Promise<void> {
    for (let event = queue.shift(); event; event = queue.shift()) {
      const url = currentUrl();
      if (!url) continue;
      report(event, await sendWebhook(event, { ...options, url }));
    }
  }
  function kick(): void {
    if (running) return;
    running = drain().finally(() => {
      running = null;
      if (queue.length > 0) kick();
    });
  }

  return {
    notify(event) {
      if (!currentUrl()) return;
      queue.push(event);
      while (queue.length > maxPending) {
        const dropped = queue.shift()!;
        report(dropped, {
          ok: false,
          reason: 'dropped: too many events waiting for the webhook',
          attempts: 0,
        });
      }
      kick();
    },
    settled: async () => {
      while (running) await running;
    },
  };
}
