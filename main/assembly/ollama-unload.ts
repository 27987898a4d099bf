import type { UnloadResult } from '../contract/index.js';

const TIMEOUT_MS = 5000;

/** Asks Ollama to unload every loaded model (`keep_alive: 0`) and reports what it did. */
export async function unloadOllamaModels(baseUrl: string, fetchImpl: typeof fetch): Promise<UnloadResult> {
  let names: string[];
  try {
    const response = await fetchImpl(`${baseUrl}/api/ps`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!response.ok)
      return { ok: false, unloaded: [], message: `Ollama answered ${response.status} to /api/ps` };
    const body = (await response.json()) as { models?: { name?: unknown; model?: unknown }[] };
    names = (body.models ?? [])
      .map((m) => (typeof m.model === 'string' ? m.model : typeof m.name === 'string' ? m.name : ''))
      .filter(Boolean);
  } catch (error) {
    return {
      ok: false,
      unloaded: [],
      message: `Ollama is not reachable at ${baseUrl} (${(error as Error).message})`,
    };
  }
  if (names.length === 0) return { ok: true, unloaded: [], message: 'No Ollama models were loaded.' };
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
    failures.length === 0
      ? `Asked Ollama to unload ${unloaded.join(', ')}.`
      : `Unloaded ${unloaded.length} of ${names.length}; failed: ${failures.join(', ')}.`;
  return { ok: failures.length === 0, unloaded, message };
}
