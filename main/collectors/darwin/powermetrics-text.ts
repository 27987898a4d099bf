import { roundWatts, type PowermetricsSample, type PowermetricsTask } from './powermetrics-sample.js';
import { osThermalLevelFrom, thermalPressureFrom } from './thermal-pressure.js';

export type TextOutcome = { ok: true; value: PowermetricsSample[] } | { ok: false; error: string };

const SAMPLE_HEADER = /^\*\*\* Sampled system activity \((.*)\) \(([\d.]+)ms elapsed\) \*\*\*$/;

/**
 * Parses powermetrics' default text output (what users paste into bug reports): one sample per
 * `*** Sampled system activity … ***` section.
 */
export function parsePowermetricsText(text: string): TextOutcome {
  const lines = text.split(/\r?\n/);
  const hwModel =
    lines
      .find((l) => l.startsWith('Machine model: '))
      ?.slice(15)
      .trim() || null;
  const starts = lines.flatMap((line, index) => (SAMPLE_HEADER.test(line) ? [index] : []));
  if (starts.length === 0) {
    return { ok: false, error: "no '*** Sampled system activity' section found" };
  }
  const samples = starts.map((start, i) => parseSection(lines.slice(start, starts[i + 1]), hwModel));
  return { ok: true, value: samples };
}

function parseSection(lines: string[], hwModel: string | null): PowermetricsSample {
  const header = SAMPLE_HEADER.exec(lines[0]!)!;
  const when = new Date(header[1]!);
  const elapsedMs = Number(header[2]);
  const sample: PowermetricsSample = {
    timestamp: Number.isNaN(when.getTime()) ? null : when.toISOString(),
    elapsedSeconds: Number.isFinite(elapsedMs) ? elapsedMs / 1000 : null,
    hwModel,
    cpuWatts: null,
    gpuWatts: null,
    aneWatts: null,
    dramWatts: null,
    packageWatts: null,
    thermalPressure: null,
    thermalOsLevel: null,
    cpuTempCelsius: null,
    gpuTempCelsius: null,
    fanRpm: [],
    batteryPercent: null,
    tasks: parseTasks(lines),
  };
  for (const line of lines) {
    const [label, rest] = splitLabel(line);
    if (rest === null) continue;
    switch (label) {
      case 'CPU Power':
        sample.cpuWatts = watts(rest) ?? sample.cpuWatts;
        break;
      // macOS 11 prints no "CPU Power" line: the CPU figure is the clusters' total.
      case 'Clusters Total Power':
        sample.cpuWatts ??= watts(rest);
        break;
      case 'GPU Power':
        sample.gpuWatts ??= watts(rest);
        break;
      case 'ANE Power':
        sample.aneWatts ??= watts(rest);
        break;
      case 'DRAM Power':
        sample.dramWatts ??= watts(rest);
        break;
      case 'Combined Power (CPU + GPU + ANE)':
      case 'Package Power':
      case 'Intel energy model derived package power (CPUs+GT+SA)':
        sample.packageWatts ??= watts(rest);
        break;
      case 'Current pressure level':
        sample.thermalPressure = thermalPressureFrom(rest);
        sample.thermalOsLevel = osThermalLevelFrom(rest);
        break;
      case 'CPU die temperature':
        sample.cpuTempCelsius = celsius(rest);
        break;
      case 'GPU die temperature':
        sample.gpuTempCelsius = celsius(rest);
        break;
      case 'Fan': {
        const rpm = /^([\d.]+) rpm$/.exec(rest);
        if (rpm) sample.fanRpm.push(Number(rpm[1]));
        break;
      }
      case 'Battery': {
        const charge = /^percent_charge: (\d+)/.exec(rest);
        if (charge) sample.batteryPercent = Number(charge[1]);
        break;
      }
    }
  }
  return sample;
}

function splitLabel(line: string): [string, string | null] {
  const colon = line.indexOf(': ');
  if (colon < 0) return [line, null];
  return [line.slice(0, colon).trim(), line.slice(colon + 2).trim()];
}

function watts(text: string): number | null {
  const match = /^([\d.]+)\s*(mW|W)$/.exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  if (!Number.isFinite(value)) return null; // '1.2.3' matches the pattern but is no number
  return roundWatts(match[2] === 'mW' ? value / 1000 : value);
}

function celsius(text: string): number | null {
  const match = /^(-?[\d.]+) C$/.exec(text);
  const value = match ? Number(match[1]) : NaN;
  return Number.isFinite(value) ? value : null;
}

interface Column {
  start: number;
  width: number;
}

/**
 * The task table is fixed-width and its values sit under their header labels; names hold spaces
 * and are cut at 32 characters, so columns are located by the header, not by splitting on spaces.
 * With --show-all, tasks are grouped under coalition rows and are the indented ones.
 */
function parseTasks(lines: string[]): PowermetricsTask[] {
  const headerIndex = lines.findIndex((l) => /^Name\s+ID\s+CPU ms\/s/.test(l));
  if (headerIndex < 0) return [];
  const header = lines[headerIndex]!;
  const id = column(header, 'ID')!;
  const cpu = column(header, 'CPU ms/s')!;
  const gpu = column(header, 'GPU ms/s');
  const energy = column(header, 'Energy Impact');
  const rows: string[] = [];
  for (const line of lines.slice(headerIndex + 1)) {
    if (line.trim() === '') break;
    rows.push(line);
  }
  const grouped = rows.some((row) => row.startsWith(' '));
  const tasks: PowermetricsTask[] = [];
  for (const row of rows) {
    if (grouped && !row.startsWith(' ')) continue;
    const pid = Number(tokenAt(row, id));
    const cpuMs = Number(tokenAt(row, cpu));
    if (!Number.isInteger(pid) || pid === -2 || !Number.isFinite(cpuMs)) continue;
    tasks.push({
      pid,
      name: row.slice(0, id.start).trim(),
      cpuMsPerSecond: cpuMs,
      gpuMsPerSecond: optionalNumber(row, gpu),
      energyImpact: optionalNumber(row, energy),
    });
  }
  return tasks;
}

function column(header: string, label: string): Column | null {
  const start = header.indexOf(label);
  return start < 0 ? null : { start, width: label.length };
}

/** The value whose first character lies under the label (allowing a little right-alignment slack). */
function tokenAt(row: string, col: Column): string | null {
  const token = /\S+/g;
  let match: RegExpExecArray | null;
  while ((match = token.exec(row)) !== null) {
    if (match.index >= col.start - 2 && match.index < col.start + col.width) return match[0];
    if (match.index >= col.start + col.width) break;
  }
  return null;
}

function optionalNumber(row: string, col: Column | null): number | null {
  if (!col) return null;
  const token = tokenAt(row, col);
  if (token === null || token === '') return null;
  const value = Number(token);
  return Number.isFinite(value) ? value : null;
}
