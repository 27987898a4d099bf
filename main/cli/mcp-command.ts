import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMonitorHttp, resolveEndpoint } from '../mcp/monitor-http.js';
import { createIdleWattMcpServer } from '../mcp/server.js';
import { defaultDataDir } from '../paths.js';
import { CliError, type CliIo } from './io.js';
import { parseOptions } from './report-command.js';

export const MCP_USAGE = `Usage: idlewatt mcp [--data-dir D] [--port N]

Serves IdleWatt to AI agents over the Model Context Protocol on stdin/stdout. It reads the running
monitor ('idlewatt monitor' or the app) through its loopback API, with the token in the data
directory; it never starts a sampler of its own. Configure your MCP client to run 'npx idlewatt mcp'.

Options:
  --data-dir D   the monitor's data directory (default: the same default as 'idlewatt monitor')
  --port N       the monitor's API port (default: api.port in D/settings.json, 8787)`;

export function parsePort(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    throw new CliError(`--port must be a whole number from 1 to 65535 (got '${raw}')`, 2);
  }
  return Number(raw);
}

export async function mcpCommand(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(MCP_USAGE);
    return 0;
  }
  const options = parseOptions(args, ['data-dir', 'port']);
  const endpoint = await resolveEndpoint(
    options.get('data-dir') ?? defaultDataDir(),
    parsePort(options.get('port')),
  );
  const server = createIdleWattMcpServer(createMonitorHttp(endpoint));
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  // stdout carries the protocol; people read stderr.
  io.err(`idlewatt mcp: serving over stdio; monitor at ${endpoint.baseUrl} (data in ${endpoint.dataDir})`);
  await closed;
  await server.close();
  return 0;
}
