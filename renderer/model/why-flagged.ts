import type { AlertEvent } from '../../main/contract/alerts.js';
import { formatCpuPercent, formatSpan, plural } from '../../main/contract/format.js';
import type { Recommendation } from '../../main/contract/report.js';
import type { ServiceSample } from '../../main/contract/sample.js';
import { formatEstimateWatts } from '../format.js';

/**
 * One line saying why a row is flagged, with its numbers ("40 % CPU over 15 min, no requests for
 * 2 h, 1 model loaded, ≈ 4.1 W"); null when the service is not the culprit of an open alert or a
 * recommendation. Figures that are unknown are left out, never shown as 0.
 */
export function whyFlagged(
  service: ServiceSample,
  input: {
    openAlerts: readonly AlertEvent[];
    recommendations: readonly Recommendation[];
    /** Mean CPU % over the last 15 minutes, where the trail knows it. */
    meanCpuPercent: number | null;
    now: number;
  },
): string | null {
  const flagged =
    input.openAlerts.length > 0 || input.recommendations.some((r) => r.serviceId === service.id);
  if (!flagged || service.status !== 'running') return null;
  const parts: string[] = [];
  const cpu = input.meanCpuPercent ?? service.cpuPercent;
  if (cpu !== null) {
    parts.push(`${formatCpuPercent(cpu)} CPU${input.meanCpuPercent !== null ? ' over 15 min' : ''}`);
  }
  parts.push(
    service.lastActiveAt === null
      ? 'no requests seen'
      : input.now - service.lastActiveAt >= 60_000
        ? `no requests for ${formatSpan(input.now - service.lastActiveAt)}`
        : 'a request just now',
  );
  if (service.models && service.models.count > 0)
    parts.push(`${plural(service.models.count, 'model')} loaded`);
  if (service.estimatedWatts !== null) parts.push(formatEstimateWatts(service.estimatedWatts).text);
  return parts.join(', ');
}
