import type { Sample } from '../../main/contract/sample.js';
import { formatCpuPercent, formatMemory } from '../../main/contract/format.js';

export interface SelfCostLine {
  text: string;
  title: string;
}

const MEASURED =
  "Measured from IdleWatt's own process over the latest sample interval (100 % CPU = one core).";

/** The footer's "IdleWatt itself: 0.2 % CPU · 80 MB"; null before the first sample. */
export function selfCostLine(sample: Sample | null): SelfCostLine | null {
  if (sample === null) return null;
  const self = sample.self;
  if (self === null) {
    return {
      text: 'IdleWatt itself: not measured',
      title: 'This sample carries no measurement of IdleWatt.',
    };
  }
  return {
    text: `IdleWatt itself: ${formatCpuPercent(self.cpuPercent)} CPU \u00b7 ${formatMemory(self.rssBytes)}`,
    title: self.cpuPercent === null ? `${MEASURED} CPU needs a second sample.` : MEASURED,
  };
}
