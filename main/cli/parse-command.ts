import { readFile } from 'node:fs/promises';
import { COMMON_PARSERS } from '../collectors/common/parsers.js';
import { DARWIN_PARSERS } from '../collectors/darwin/parsers.js';
import { LINUX_PARSERS } from '../collectors/linux/parsers.js';
import type { ParserEntry } from '../collectors/types.js';
import { CliError, type CliIo } from './io.js';

export const PARSERS: readonly ParserEntry[] = [...DARWIN_PARSERS, ...LINUX_PARSERS, ...COMMON_PARSERS];

export function parseUsage(): string {
  const kinds = PARSERS.map((p) => `  ${p.kind.padEnd(20)} ${p.description}`).join('\n');
  return `Usage: idlewatt parse KIND FILE   (FILE may be - for standard input)\n\nKinds:\n${kinds || '  (none yet)'}`;
}

export async function parseCommand(args: string[], io: CliIo): Promise<number> {
  const [kind, file] = args;
  if (!kind || kind === '--help' || kind === '-h') {
    io.out(parseUsage());
    return kind ? 0 : 2;
  }
  const parser = PARSERS.find((p) => p.kind === kind);
  if (!parser) throw new CliError(`unknown kind '${kind}'; known: ${PARSERS.map((p) => p.kind).join(', ')}`);
  if (!file) throw new CliError(`missing FILE: idlewatt parse ${kind} FILE`);
  let text: string;
  try {
    text = file === '-' ? await io.readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const outcome = parser.parse(text);
  if (!outcome.ok) throw new CliError(`${file} is not ${kind} output: ${outcome.error}`);
  if (parser.perDocument && Array.isArray(outcome.value)) {
    for (const doc of outcome.value) io.out(JSON.stringify(doc));
  } else {
    io.out(JSON.stringify(outcome.value, null, 2));
  }
  return 0;
}
