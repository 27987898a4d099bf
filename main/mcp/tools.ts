import * as z from 'zod';
import {
  ALERT_RULE_IDS,
  formatAmount,
  HTTP_ROUTES,
  MAX_HISTORY_POINTS,
  MAX_SNOOZE_MINUTES,
  MAX_UNLOAD_MODELS,
  OLLAMA_MODEL_NAME_PATTERN,
  SERVICE_ID_PATTERN,
  type AlertEvent,
  type CompareResult,
  type HistoryPoint,
  type Report,
  type Sample,
  type ServiceSample,
  type SnoozeState,
  type UnloadResult,
} from '../contract/index.js';
import { formatAlertLine } from '../alerts/index.js';
import { formatCompareMarkdown, formatReport, parseDuration } from '../report/index.js';
import type { MonitorHttp } from './monitor-http.js';
import {
  describeCulprit,
  describePowerNow,
  describeService,
  findCulprit,
  powerFigures,
  serviceViews,
} from './views.js';

/** What a tool answers: a concise text for the model and the same facts as structured content. */
export interface ToolAnswer {
  text: string;
  structured: Record<string, unknown>;
}

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint: boolean;
}

export interface IdleWattTool<Shape extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  inputSchema: Shape;
  annotations: ToolAnnotations;
  run(http: MonitorHttp, args: z.infer<z.ZodObject<Shape>>): Promise<ToolAnswer>;
}

const READ_ONLY: ToolAnnotations = { readOnlyHint: true, openWorldHint: false };

const time = z
  .string()
  .min(1)
  .max(40)
  .describe('A time: ISO 8601 (2026-11-29T08:00:00Z) or epoch milliseconds');
const since = z
  .string()
  .min(1)
  .max(40)
  .describe("How far back from the monitor's latest sample: a duration such as 30m, 24h, 7d (or a time)");
const range = z.object({ from: time, to: time }).strict();

function defineTool<Shape extends z.ZodRawShape>(tool: IdleWattTool<Shape>): IdleWattTool {
  return tool as unknown as IdleWattTool;
}

async function latestSample(http: MonitorHttp): Promise<Sample> {
  const sample = await http.get<Sample | null>(HTTP_ROUTES.getLatest.path);
  if (!sample)
    throw new Error('The monitor has no sample yet: the first one arrives within one sampling interval.');
  return sample;
}

/** The report for the last 24 h, or null when it cannot be built (the live figures still answer). */
async function dayReport(http: MonitorHttp): Promise<Report | null> {
  return http.get<Report>(HTTP_ROUTES.getReport.path, { since: '24h' }).catch(() => null);
}

type RangeArgs = { since: string } | { from: string; to: string | undefined };

function rangeQuery(args: { since?: string; from?: string; to?: string }, defaultSince: string): RangeArgs {
  if (args.since !== undefined && args.from !== undefined) {
    throw new Error("Give either 'since' or 'from'/'to', not both.");
  }
  if (args.from === undefined && args.to !== undefined) throw new Error("'to' needs 'from'.");
  return args.from !== undefined ? { from: args.from, to: args.to } : { since: args.since ?? defaultSince };
}

function mean(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
}

export const IDLEWATT_TOOLS: readonly IdleWattTool[] = [
  defineTool({
    name: 'power_now',
    title: 'Current power and thermal state',
    description:
      'Whole-machine and package power, CPU/GPU/ANE rails, thermal pressure, temperatures, fans and battery from ' +
      "the monitor's latest sample, each with its source and whether it is measured or estimated (unknown figures say why).",
    inputSchema: {},
    annotations: READ_ONLY,
    async run(http) {
      const sample = await latestSample(http);
      return {
        text: describePowerNow(sample),
        structured: {
          at: sample.at,
          power: powerFigures(sample),
          thermal: sample.thermal,
          battery: sample.battery,
          idle: sample.idle,
          absent: sample.absent,
        },
      };
    },
  }),
  defineTool({
    name: 'services',
    title: 'Monitored services',
    description:
      'Each monitored service: running or stopped, active or idle, last request, CPU %, memory, threads, connections, ' +
      'estimated watts now and estimated watt-hours used while the stack was idle over the last 24 h.',
    inputSchema: {},
    annotations: READ_ONLY,
    async run(http) {
      const [services, report, sample] = await Promise.all([
        http.get<ServiceSample[]>(HTTP_ROUTES.getServices.path),
        dayReport(http),
        http.get<Sample | null>(HTTP_ROUTES.getLatest.path),
      ]);
      const views = serviceViews(services, report);
      const now = sample?.at ?? Date.now();
      const text =
        views.length === 0
          ? 'No services are configured.'
          : views.map((v) => describeService(v, now)).join('\n');
      return {
        text: `${text}\nWatts and idle watt-hours per service are estimates.`,
        structured: { at: now, services: views },
      };
    },
  }),
  defineTool({
    name: 'culprit',
    title: 'Which service wastes power now',
    description:
      'The service to look at first: the running service with no requests and the largest estimated draw, with the ' +
      'evidence (watts, CPU, idle watt-hours over 24 h, last request) and the recommended fix.',
    inputSchema: {},
    annotations: READ_ONLY,
    async run(http) {
      const [sample, report] = await Promise.all([latestSample(http), dayReport(http)]);
      const culprit = findCulprit(sample, report);
      return { text: describeCulprit(culprit), structured: { at: sample.at, ...culprit } };
    },
  }),
  defineTool({
    name: 'power_history',
    title: 'Power history for a range',
    description:
      'System, package, CPU and GPU watts, CPU temperature and thermal level over a range, down-sampled to at most ' +
      '`points` points (each with min/max of system watts). Default: the last hour in 120 points.',
    inputSchema: {
      since: since.optional(),
      from: time.optional(),
      to: time.optional(),
      points: z.number().int().min(1).max(MAX_HISTORY_POINTS).optional(),
    },
    annotations: READ_ONLY,
    async run(http, args) {
      const query = rangeQuery(args, '1h');
      let from: string | number;
      let to: string | number;
      if ('since' in query) {
        const span = parseDuration(query.since);
        if (span === null)
          throw new Error(`'since' must be a duration such as 30m, 1h or 7d (got '${query.since}')`);
        to = (await latestSample(http)).at;
        from = to - span;
      } else {
        from = query.from;
        to = query.to ?? (await latestSample(http)).at;
      }
      const points = await http.get<HistoryPoint[]>(HTTP_ROUTES.getHistory.path, {
        from,
        to,
        points: args.points ?? 120,
      });
      const field = (p: HistoryPoint) => p.systemWatts ?? p.packageWatts;
      const values = points.map(field).filter((v): v is number => v !== null);
      const text =
        values.length === 0
          ? `${points.length} points, no power figure in this range.`
          : `${points.length} points from ${new Date(points[0]!.at).toISOString()} to ${new Date(points.at(-1)!.at).toISOString()}: ` +
            `power min ${formatAmount(Math.min(...values), 'W')}, mean ${formatAmount(mean(values), 'W')}, max ${formatAmount(Math.max(...values), 'W')} ` +
            `(system watts where measured, else package).`;
      return { text, structured: { from, to, points } };
    },
  }),
  defineTool({
    name: 'report',
    title: 'Idle-energy report for a range',
    description:
      'Idle time, watt-hours wasted while idle (total and per service, estimates), peak and mean power, time per ' +
      'thermal level, alerts and recommendations. Default: the last 24 h.',
    inputSchema: { since: since.optional(), from: time.optional(), to: time.optional() },
    annotations: READ_ONLY,
    async run(http, args) {
      const report = await http.get<Report>(HTTP_ROUTES.getReport.path, rangeQuery(args, '24h'));
      return { text: formatReport(report, 'md'), structured: { report } };
    },
  }),
  defineTool({
    name: 'compare',
    title: 'Compare two periods',
    description:
      'Validates a fix: compares power, idle power, CPU and memory between a period before and one after a change, ' +
      'and says whether each difference is beyond the noise.',
    inputSchema: { before: range, after: range },
    annotations: READ_ONLY,
    async run(http, args) {
      const result = await http.get<CompareResult>(HTTP_ROUTES.compare.path, {
        before: `${args.before.from}..${args.before.to}`,
        after: `${args.after.from}..${args.after.to}`,
      });
      return { text: formatCompareMarkdown(result), structured: { ...result } };
    },
  }),
  defineTool({
    name: 'alerts',
    title: 'Alert events',
    description: 'Alerts fired, escalated, cleared or snoozed since a time (default: the last 24 h).',
    inputSchema: { since: since.optional() },
    annotations: READ_ONLY,
    async run(http, args) {
      const alerts = await http.get<AlertEvent[]>(HTTP_ROUTES.getAlerts.path, { since: args.since ?? '24h' });
      const text =
        alerts.length === 0 ? 'No alert events in this range.' : alerts.map(formatAlertLine).join('\n');
      return { text, structured: { alerts } };
    },
  }),
  defineTool({
    name: 'snooze_alerts',
    title: 'Snooze alerts (changes alert state)',
    description:
      "Silences one alert rule (or 'all') for a number of minutes or until tomorrow; with `service` (rule 'all'), " +
      "only that service's per-service alerts (idle CPU, memory growth). Changes the monitor's alert state.",
    inputSchema: {
      rule: z.enum(['all', ...ALERT_RULE_IDS]),
      service: z
        .string()
        .regex(new RegExp(SERVICE_ID_PATTERN))
        .optional()
        .describe("A monitored service's id, e.g. \"ollama\": snooze only its alerts (rule must be 'all')"),
      until: z.union([
        z.literal('tomorrow'),
        z.object({ minutes: z.number().int().min(1).max(MAX_SNOOZE_MINUTES) }).strict(),
      ]),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run(http, args) {
      const state = await http.post<SnoozeState>(HTTP_ROUTES.snoozeAlerts.path, {
        rule: args.rule,
        until: args.until,
        ...(args.service === undefined ? {} : { serviceId: args.service }),
      });
      const lines = [
        ...Object.entries(state.snoozedUntil).map(
          ([rule, until]) => `${rule} snoozed until ${new Date(until!).toISOString()}`,
        ),
        ...Object.entries(state.snoozedServices ?? {}).map(
          ([service, until]) => `${service}'s alerts snoozed until ${new Date(until).toISOString()}`,
        ),
      ];
      return { text: lines.length > 0 ? lines.join('\n') : 'No rule is snoozed.', structured: { ...state } };
    },
  }),
  defineTool({
    name: 'unload_ollama_models',
    title: "Unload Ollama models (changes Ollama's state)",
    description:
      'Asks Ollama to unload the named models now (keep_alive 0), freeing their memory; the next request loads them ' +
      'again. Only the models you name are touched, and only if they are loaded; the answer lists the loaded ones.',
    inputSchema: {
      models: z
        .array(z.string().regex(new RegExp(OLLAMA_MODEL_NAME_PATTERN)))
        .min(1)
        .max(MAX_UNLOAD_MODELS)
        .describe('Exact model names as Ollama lists them, e.g. ["qwen2.5:0.5b"]'),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run(http, args) {
      const result = await http.post<UnloadResult>(HTTP_ROUTES.unloadOllama.path, { models: args.models });
      if (!result.ok) throw new Error(result.message);
      return { text: result.message, structured: { ...result } };
    },
  }),
];
