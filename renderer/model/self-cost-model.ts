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
  const own = `IdleWatt itself: ${formatCpuPercent(self.cpuPercent)} CPU \u00b7 ${formatMemory(self.rssBytes)}`;
  const title = self.cpuPercent === null ? `${MEASURED} CPU needs a second sample.` : MEASURED;
  const helper = self.powermetrics;
  if (helper === undefined) return { text: own, title };
  if (helper.absent !== null) {
    return {
      text: `${own} \u00b7 powermetrics: not running`,
      title: `${title}\npowermetrics (root, started by IdleWatt): ${helper.absent}`,
    };
  }
  return {
    text: `${own} \u00b7 powermetrics: ${formatCpuPercent(helper.cpuPercent)} CPU \u00b7 ${formatMemory(helper.rssBytes)}`,
    title:
      `${title}\npowermetrics (root, pid ${helper.pid}, started by IdleWatt) is listed apart, measured with ps ` +
      `over the latest 10\u201320 s` +
      (helper.cpuPercent === null ? '; its CPU needs 10 s of readings.' : '.'),
  };
}
