import { monitorCommand } from './cli/monitor-command.js';
import { parseCommand } from './cli/parse-command.js';
import { REPORT_COMMAND } from './cli/report-command.js';
import { COMPARE_COMMAND } from './cli/compare-command.js';
import { BASELINE_COMMAND } from './cli/baseline-command.js';
import { CliError, endQuietlyWhenStdoutCloses, processIo, type CliIo } from './cli/io.js';
import { VERSION } from './version.js';

interface Command {
  name: string;
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}

const COMMANDS: Command[] = [
  {
    name: 'monitor',
    summary: 'Run headless: dashboard in a browser, loopback HTTP API, Prometheus, alerts',
    run: monitorCommand,
  },
  {
    name: 'parse',
    summary: 'Normalise captured command output (powermetrics, nvidia-smi, …) to JSON',
    run: parseCommand,
  },
  REPORT_COMMAND,
  COMPARE_COMMAND,
  {
    name: 'mcp',
    summary: 'Serve the running monitor to AI agents over the Model Context Protocol (stdio)',
    // Loaded only for this command: the MCP SDK and its schemas cost the monitor ~10 MB at start.
    run: async (args, io) => (await import('./cli/mcp-command.js')).mcpCommand(args, io),
  },
  BASELINE_COMMAND,
];

export function usage(): string {
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`);
  return [
    `idlewatt ${VERSION} — which local service drains your battery while idle, and how much energy it wastes`,
    '',
    'Usage: idlewatt COMMAND [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  -h, --help     show this help (or `idlewatt COMMAND --help`)',
    '  -v, --version  print the version',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    io.out(usage());
    return first === undefined ? 2 : 0;
  }
  if (first === '-v' || first === '--version') {
    io.out(VERSION);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    io.err(`idlewatt: unknown command '${first}'. Run 'idlewatt --help' for the list.`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`idlewatt ${command.name}: ${error.message}`);
      return error.exitCode;
    }
    io.err(`idlewatt ${command.name}: unexpected error: ${(error as Error).message}`);
    return 1;
  }
}

// Run when executed as the bin (bundled CJS) or directly with tsx, not when imported by tests.
const isEntry =
  typeof require !== 'undefined' ? require.main === module : process.argv[1]?.endsWith('cli.ts');
if (isEntry) {
  endQuietlyWhenStdoutCloses();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      process.stderr.write(`idlewatt: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
