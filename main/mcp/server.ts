import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { HTTP_ROUTES, type Report, type Sample } from '../contract/index.js';
import { formatReport } from '../report/index.js';
import { VERSION } from '../version.js';
import type { MonitorHttp } from './monitor-http.js';
import { IDLEWATT_TOOLS } from './tools.js';

export const LATEST_SAMPLE_URI = 'idlewatt://sample/latest';
export const TODAY_REPORT_URI = 'idlewatt://report/today';

const INSTRUCTIONS =
  'IdleWatt measures which local services waste power while idle. Start with `culprit` for "why is my laptop ' +
  'hot / draining", `power_now` for the figures and their sources, `services` for every service, and `report` or ' +
  '`compare` for a period. Per-service watts are estimates split from a measured total; unknown figures say why.';

/** Local midnight of the day `at` falls in (the machine running `idlewatt mcp`, like the user's clock). */
function startOfDay(at: number): number {
  const day = new Date(at);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

/**
 * The MCP server: every tool and resource reads through the monitor's loopback HTTP API, so an agent
 * can do exactly what an authenticated local HTTP client can, and each answer is validated there.
 */
export function createIdleWattMcpServer(http: MonitorHttp): McpServer {
  const server = new McpServer({ name: 'idlewatt', version: VERSION }, { instructions: INSTRUCTIONS });
  for (const tool of IDLEWATT_TOOLS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (args: Record<string, unknown>) => {
        const answer = await tool.run(http, args);
        return {
          content: [{ type: 'text' as const, text: answer.text }],
          structuredContent: answer.structured,
        };
      },
    );
  }

  server.registerResource(
    'latest-sample',
    LATEST_SAMPLE_URI,
    {
      title: 'Latest IdleWatt sample',
      description: 'Power, thermal, battery, services and idle state of the newest sample, as JSON.',
      mimeType: 'application/json',
    },
    async (uri) => {
      const sample = await http.get<Sample | null>(HTTP_ROUTES.getLatest.path);
      if (!sample) throw new Error('The monitor has no sample yet.');
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(sample) }] };
    },
  );

  server.registerResource(
    'today-report',
    TODAY_REPORT_URI,
    {
      title: "Today's IdleWatt report",
      description:
        'Idle energy, per-service waste and recommendations since local midnight, as Markdown and JSON.',
      mimeType: 'text/markdown',
    },
    async (uri) => {
      const latest = await http.get<Sample | null>(HTTP_ROUTES.getLatest.path);
      const to = latest?.at ?? Date.now();
      const report = await http.get<Report>(HTTP_ROUTES.getReport.path, {
        from: Math.min(startOfDay(to), to - 1000),
        to,
      });
      return {
        contents: [
          { uri: uri.href, mimeType: 'text/markdown', text: formatReport(report, 'md') },
          { uri: uri.href, mimeType: 'application/json', text: JSON.stringify(report) },
        ],
      };
    },
  );
  return server;
}
