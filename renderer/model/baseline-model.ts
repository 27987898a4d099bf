import { describeBaselineGap, wattsAboveBaseline, type BaselineState } from '../../main/contract/baseline.js';
import type { Sample } from '../../main/contract/sample.js';

/** "1.8 W above your idle baseline", "0.3 W below …", "at your idle baseline"; '' with no baseline to compare. */
export function baselineText(sample: Sample | null, baseline: BaselineState | null): string {
  if (!sample || !baseline) return '';
  const above = wattsAboveBaseline(sample, baseline.current);
  if (above === null) return '';
  return describeBaselineGap(above);
}
