import { RE2JS } from 're2js';

/**
 * Service command patterns run through RE2 (its JavaScript port, re2js): matching time is linear in
 * the command line, so no pattern can freeze the sampler the way a backtracking `(.*.*)*Z` does with
 * JavaScript's RegExp. RE2 has no backreferences or lookaround; such patterns are refused with the
 * engine's reason. A pattern whose compiled program is very large is refused too: linear is still
 * slow when the constant is a thousand states per character.
 */
export const MAX_PATTERN_STATES = 400;

export interface ServicePattern {
  test(command: string): boolean;
}

export type CompiledPattern = { ok: true; pattern: ServicePattern } | { ok: false; reason: string };

export function compileServicePattern(source: string): CompiledPattern {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source);
  } catch (error) {
    const message = (error as Error).message.replace(/^error parsing regexp: /, '');
    return { ok: false, reason: `is not a valid pattern (${message})` };
  }
  const states = programSize(compiled);
  if (states !== null && states > MAX_PATTERN_STATES) {
    return {
      ok: false,
      reason: `is too complex (${states} states, at most ${MAX_PATTERN_STATES}); use fewer or smaller repetitions`,
    };
  }
  return { ok: true, pattern: { test: (command) => compiled.test(command) } };
}

/** The compiled program's instruction count; null if this re2js build keeps it elsewhere. */
function programSize(compiled: RE2JS): number | null {
  const inner = (compiled as unknown as { re2Input?: { prog?: { inst?: unknown[] } } }).re2Input;
  const inst = inner?.prog?.inst;
  return Array.isArray(inst) ? inst.length : null;
}
