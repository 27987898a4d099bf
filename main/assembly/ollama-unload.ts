import type { UnloadResult } from '../contract/index.js';

const TIMEOUT_MS = 5000;

/**
 * Asks Ollama to unload (`keep_alive: 0`) the loaded models named in `only`, or every loaded model
 * when `only` is absent, and reports what it did. A named model that is not loaded is reported,
 * never sent to Ollama (a generate call with an unknown name would pull or load it).
 */
export async function unloadOllamaModels(
  baseUrl: string,
  fetchImpl: typeof fetch,
  only?: readonly string[],
): Promise<UnloadResult> {
  let loaded: string[];
  try {
    const response = await fetchImpl(`${baseUrl}/api/ps`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!response.ok)
      return { ok: false, unloaded: [], message: `Ollama answered ${response.status} to /api/ps` };
    const body = (await response.json()) as { models?: { name?: unknown; model?: unknown }[] };
    loaded = (body.models ?? [])
      .map((m) => (typeof m.model === 'string' ? m.model : typeof m.name === 'string' ? m.name : ''))
      .filter(Boolean);
  } catch (error) {
    return {
      ok: false,
      unloaded: [],
      message: `Ollama is not reachable at ${baseUrl} (${(error as Error).message})`,
    };
  }
  const names = only ? only.filter((name) => loaded.includes(name)) : loaded;
  const notLoaded = only ? only.filter((name) => !loaded.includes(name)) : [];
  const notLoadedNote =
    notLoaded.length === 0
      ? ''
      : ` Not loaded: ${notLoaded.join(', ')} (loaded: ${loaded.length > 0 ? loaded.join(', ') : 'none'}).`;
  if (names.length === 0) {
    const message = only
      ? `None of the named models was loaded.${notLoadedNote}`
      : 'No Ollama models were loaded.';
    return { ok: true, unloaded: [], notLoaded, message };
  }
  const unloaded: string[] = [];
  const failures: string[] = [];
  for (const model of names) {
    try {
      const response = await fetchImpl(`${baseUrl}/api/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, keep_alive: 0 }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (response.ok) unloaded.push(model);
      else failures.push(`${model} (${response.status})`);
      await response.body?.cancel();
    } catch (error) {
      failures.push(`${model} (${(error as Error).message})`);
    }
  }
  const message =
    (failures.length === 0
      ? `Asked Ollama to unload ${unloaded.join(', ')}.`
      : `Unloaded ${unloaded.length} of ${names.length}; failed: ${failures.join(', ')}.`) + notLoadedNote;
  return { ok: failures.length === 0, unloaded, notLoaded, message };
}
