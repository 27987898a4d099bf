import {
  describeModels,
  formatAmount,
  formatCelsius,
  formatCpuPercent,
  formatDuration,
  formatMemory,
  formatPercent,
  formatPolling,
  formatWatts,
  type InternalClient,
  type LoadedModels,
  type Report,
  type RequestCounts,
  type Sample,
  type ServiceSample,
} from '../contract/index.js';

/** Plain-text answers for agents; every figure says where it came from or that it is unknown. */

const POWER_LABELS: Record<string, string> = {
  systemWatts: 'System (whole machine)',
  packageWatts: 'Package (CPU/SoC)',
  cpuWatts: 'CPU',
  gpuWatts: 'GPU',
  aneWatts: 'Neural Engine',
  dramWatts: 'DRAM',
};

export interface PowerFigureView {
  figure: string;
  label: string;
  watts: number | null;
  source: string | null;
  kind: 'measured' | 'estimated' | null;
  /** Why the figure is unknown, when it is. */
  unknownBecause: string | null;
}

export function powerFigures(sample: Sample): PowerFigureView[] {
  return Object.entries(sample.power).map(([figure, watts]) => {
    const provenance = sample.sources[`power.${figure}`];
    return {
      figure,
      label: POWER_LABELS[figure] ?? figure.replace(/Watts$/, ''),
      watts,
      source: provenance?.source ?? null,
      kind: provenance?.kind ?? null,
      unknownBecause: watts === null ? (sample.absent[`power.${figure}`] ?? 'not reported') : null,
    };
  });
}

function figureLine(f: PowerFigureView): string {
  if (f.watts === null) return `${f.label}: unknown (${f.unknownBecause})`;
  const origin = f.source ? ` (${f.kind ?? 'measured'}, ${f.source})` : '';
  return `${f.label}: ${formatWatts(f.watts)}${origin}`;
}

export function describePowerNow(sample: Sample): string {
  const { thermal, battery } = sample;
  const lines = [`IdleWatt sample at ${new Date(sample.at).toISOString()}`];
  lines.push(...powerFigures(sample).map(figureLine));
  const temps = [
    thermal.cpuTempCelsius === null ? null : `CPU ${formatCelsius(thermal.cpuTempCelsius)}`,
    thermal.gpuTempCelsius === null ? null : `GPU ${formatCelsius(thermal.gpuTempCelsius)}`,
  ].filter(Boolean);
  lines.push(
    `Thermal pressure: ${thermal.pressure ?? `unknown (${sample.absent['thermal.pressure'] ?? 'not reported'})`}` +
      (temps.length > 0 ? ` · ${temps.join(' · ')}` : '') +
      (thermal.fanRpm.length > 0
        ? ` · fans ${thermal.fanRpm.map((r) => `${Math.round(r)} rpm`).join(', ')}`
        : ''),
  );
  if (battery) {
    const state =
      battery.state === 'discharging' && battery.dischargeWatts !== null
        ? `discharging at ${formatWatts(battery.dischargeWatts)}`
        : battery.state;
    const parts = [battery.percent === null ? null : formatPercent(battery.percent), state].filter(Boolean);
    lines.push(`Battery: ${parts.join(', ')}`);
  }
  lines.push(
    `Stack: ${sample.idle.stackIdle ? `idle${sample.idle.stackIdleSinceAt ? ` since ${new Date(sample.idle.stackIdleSinceAt).toISOString()}` : ''}` : 'in use'}`,
  );
  lines.push(
    'Per-service watts are estimates (a share of the measured total by CPU time); the figures above are as labelled.',
  );
  return lines.join('\n');
}

export interface ServiceView {
  id: string;
  name: string;
  status: ServiceSample['status'];
  active: boolean;
  lastActiveAt: number | null;
  cpuPercent: number | null;
  rssBytes: number | null;
  threads: number | null;
  connections: number | null;
  estimatedWatts: number | null;
  /** Estimated watt-hours used while the stack was idle over the report's range; null when unknown. */
  idleWattHours: number | null;
  /** What the service's model probe read (Ollama); null without one. */
  models: LoadedModels | null;
  /** Requests over the last 5 minutes, an estimate from traffic; null without a traffic reading. */
  requestCount5m: RequestCounts | null;
  /** Monitored services (or IdleWatt) polling this one: internal traffic, idle waste and never use. */
  polledBy: InternalClient[];
}

export function serviceViews(services: readonly ServiceSample[], report: Report | null): ServiceView[] {
  return services.map((s) => {
    const energy = report?.services.find((e) => e.serviceId === s.id);
    return {
      id: s.id,
      name: s.name,
      status: s.status,
      active: s.active,
      lastActiveAt: s.lastActiveAt,
      cpuPercent: s.cpuPercent,
      rssBytes: s.rssBytes,
      threads: s.threads,
      connections: s.connections,
      estimatedWatts: s.estimatedWatts,
      idleWattHours: energy ? energy.idleWattHours : null,
      models: s.models,
      requestCount5m: s.activity ? { ...s.activity.requestCount5m } : null,
      polledBy: s.activity ? s.activity.internalClients.map((c) => ({ ...c })) : [],
    };
  });
}

/** "Management Console polls Next.js every ≈ 2 s (150 in 5 min)" for each internal client. */
function pollingLines(s: ServiceView): string[] {
  return s.polledBy.map((c) => formatPolling(c.name, s.name, c.requests5m, c.everySeconds));
}

const orUnknown = <T>(value: T | null, show: (v: T) => string): string =>
  value === null ? 'unknown' : show(value);

export function describeService(s: ServiceView, now: number): string {
  if (s.status === 'stopped') return `${s.name} (${s.id}): stopped`;
  const last =
    s.lastActiveAt === null
      ? 'no request seen'
      : `last request ${formatDuration((now - s.lastActiveAt) / 1000)} ago`;
  return [
    `${s.name} (${s.id}): ${s.active ? 'active' : 'idle'}, ${last}`,
    `CPU ${orUnknown(s.cpuPercent, formatCpuPercent)}`,
    `memory ${orUnknown(s.rssBytes, formatMemory)}`,
    `≈ ${orUnknown(s.estimatedWatts, formatWatts)} (estimate)`,
    `idle waste ${orUnknown(s.idleWattHours, (v) => `≈ ${formatAmount(v, 'Wh')}`)}`,
    ...(s.models ? [describeModels(s.models, now)] : []),
    ...(s.requestCount5m
      ? [
          `requests in 5 min ≈ ${s.requestCount5m.user} from users, ${s.requestCount5m.internal} internal (estimate)`,
        ]
      : []),
    ...pollingLines(s).map((line) => `${line} (internal: idle waste, not use)`),
  ].join(' · ');
}

export interface CulpritView {
  service: ServiceView | null;
  stackIdle: boolean;
  reason: string;
  recommendation: string | null;
}

/**
 * The service to look at first: among running services that are not serving requests, the one with
 * the largest estimated draw now; idle waste over the report's range breaks ties and fills in when
 * no live estimate exists.
 */
export function findCulprit(sample: Sample, report: Report | null): CulpritView {
  const views = serviceViews(sample.services, report).filter((s) => s.status === 'running' && !s.active);
  const score = (s: ServiceView) => [s.estimatedWatts ?? -1, s.idleWattHours ?? -1] as const;
  const ranked = views.sort((a, b) => {
    const [aw, ah] = score(a);
    const [bw, bh] = score(b);
    return bw - aw || bh - ah;
  });
  const top = ranked.find((s) => s.estimatedWatts !== null || s.idleWattHours !== null) ?? null;
  const recommendation = top
    ? (report?.recommendations.find((r) => r.serviceId === top.id)?.text ?? null)
    : null;
  if (!top) {
    return {
      service: null,
      stackIdle: sample.idle.stackIdle,
      reason:
        views.length === 0 ? 'every running service is serving requests, or none runs' : 'no estimate yet',
      recommendation: null,
    };
  }
  const reason = [
    top.estimatedWatts === null ? null : `≈ ${formatWatts(top.estimatedWatts)} now (estimate)`,
    top.cpuPercent === null ? null : `${formatCpuPercent(top.cpuPercent)} CPU`,
    top.idleWattHours === null
      ? null
      : `≈ ${formatAmount(top.idleWattHours, 'Wh')} while idle in the report's range`,
    top.lastActiveAt === null
      ? 'no request seen'
      : `last request ${formatDuration((sample.at - top.lastActiveAt) / 1000)} ago`,
    ...pollingLines(top).map((line) => `${line}, internal traffic that keeps it busy`),
  ]
    .filter(Boolean)
    .join(', ');
  return { service: top, stackIdle: sample.idle.stackIdle, reason, recommendation };
}

export function describeCulprit(culprit: CulpritView): string {
  if (!culprit.service) return `No culprit: ${culprit.reason}.`;
  const lines = [
    `Culprit now: ${culprit.service.name} (${culprit.service.id}) — ${culprit.reason}.`,
    `The stack is ${culprit.stackIdle ? 'idle' : 'in use'}.`,
  ];
  if (culprit.recommendation) lines.push(`Recommendation: ${culprit.recommendation}`);
  return lines.join('\n');
}
