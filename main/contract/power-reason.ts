/**
 * One human line for why there is no power figure, from the collectors' own reasons
 * (`rapl: permission: energy_uj is root-only; battery: not-present: no battery`). The raw text stays
 * available as the details behind it.
 */
export function humanPowerReason(raw: string | null | undefined): string {
  const parts = (raw ?? '')
    .split(';')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '');
  const any = (word: string) => parts.some((p) => p.includes(word));
  if (any('warming-up')) return 'measuring: the first power reading needs two samples';
  if (any('permission')) return 'power readings need permission';
  if (parts.length > 0 && parts.every((p) => /not-present|unsupported|disabled|no-data/.test(p))) {
    return 'this machine has no power sensor IdleWatt can read';
  }
  if (parts.length === 0) return 'this machine has no power sensor IdleWatt can read';
  return 'the power reading failed';
}
