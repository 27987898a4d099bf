import type { NotifyOpenResult, NotifyPort } from './ports.js';

/**
 * What the notify(3) collector read in one tick, for `--record`/`--replay` (inline in the tick file):
 *
 *   {"open"?: {"reason", "detail"},                    the binding could not open (then nothing else)
 *    "states"?: {"com.apple.system.thermalpressurelevel": 2 | {"error": "…"}}}
 */
export interface NotifySnapshot {
  open?: { reason: 'unsupported' | 'no-data'; detail: string };
  states?: Record<string, number | { error: string }>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a recorded snapshot; throws an Error naming the first problem. */
export function parseNotifySnapshot(value: unknown): NotifySnapshot {
  if (!isObject(value)) throw new Error('a notify snapshot is a JSON object');
  const out: NotifySnapshot = {};
  if (value.open !== undefined) {
    const open = value.open;
    if (!isObject(open) || !['unsupported', 'no-data'].includes(open.reason as string)) {
      throw new Error('open needs a reason (unsupported, no-data) and a detail');
    }
    if (typeof open.detail !== 'string') throw new Error('open needs a detail');
    out.open = { reason: open.reason as 'unsupported' | 'no-data', detail: open.detail };
  }
  if (value.states !== undefined) {
    if (!isObject(value.states)) throw new Error('states is an object of notify names');
    const states: Record<string, number | { error: string }> = {};
    for (const [name, v] of Object.entries(value.states)) {
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) states[name] = v;
      else if (isObject(v) && typeof v.error === 'string') states[name] = { error: v.error };
      else throw new Error(`state ${JSON.stringify(name)}: needs an unsigned integer or {"error": "…"}`);
    }
    out.states = states;
  }
  return out;
}

/** A port that answers from the snapshot of the tick being replayed. */
export function replayNotify(current: () => NotifySnapshot | null, anyRecorded: boolean): NotifyOpenResult {
  if (!anyRecorded) {
    return { ok: false, reason: 'no-data', detail: 'this recording has no notify(3) readings' };
  }
  const first = current();
  if (first?.open) return { ok: false, reason: first.open.reason, detail: first.open.detail };
  const port: NotifyPort = {
    getState(name) {
      const v = current()?.states?.[name];
      if (v === undefined) return { ok: false, error: `${name} was not recorded in this tick` };
      return typeof v === 'number' ? { ok: true, state: v } : { ok: false, error: v.error };
    },
    close() {},
  };
  return { ok: true, port };
}

/** Wraps an opener so every answer also lands in the snapshot of the tick being recorded. */
export function recordNotify(open: () => NotifyOpenResult, current: () => NotifySnapshot): NotifyOpenResult {
  const opened = open();
  if (!opened.ok) {
    current().open = { reason: opened.reason, detail: opened.detail };
    return opened;
  }
  const port: NotifyPort = {
    getState(name) {
      const r = opened.port.getState(name);
      const snapshot = current();
      snapshot.states ??= {};
      snapshot.states[name] = r.ok ? r.state : { error: r.error };
      return r;
    },
    close: () => opened.port.close(),
  };
  return { ok: true, port };
}
