import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { absent, failed, ok, type GpuDevice, type Reading } from '../../contract/index.js';
import type {
  CollectorDefinition,
  CollectorEnv,
  CollectorInstance,
  GpuObservation,
  Observation,
} from '../types.js';
import { listDir, readTrimmed } from './read-files.js';
import { rememberAbsence } from '../absence-cache.js';

export type NvidiaParse = { ok: true; value: GpuObservation } | { ok: false; error: string };

const MIB = 1024 * 1024;

/**
 * "67.03 W", "24576 MiB", "0 %", "28.16" → the number; "N/A", "[N/A]", "[Not Supported]",
 * "Unknown Error" and anything else that is not a number → null.
 */
export function nvidiaNumber(value: unknown): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const match = /^\s*(-?\d+(?:\.\d+)?)(?:\s*[A-Za-z%]+)?\s*$/.exec(String(value));
  return match ? Number(match[1]) : null;
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const child = (node: unknown, key: string): unknown => (isNode(node) ? node[key] : undefined);

/** Power draw across schema generations: v11 `power_readings`, v12 `gpu_power_readings`, v13 average/instant. */
function powerWatts(gpu: Node): number | null {
  for (const section of ['gpu_power_readings', 'power_readings']) {
    const readings = child(gpu, section);
    if (!isNode(readings)) continue;
    for (const key of ['average_power_draw', 'instant_power_draw', 'power_draw']) {
      const watts = nvidiaNumber(readings[key]);
      if (watts !== null) return watts;
    }
  }
  return null;
}

function mib(value: unknown): number | null {
  const n = nvidiaNumber(value);
  return n === null ? null : n * MIB;
}

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (_name, jpath) =>
    jpath === 'nvidia_smi_log.gpu' || jpath === 'nvidia_smi_log.gpu.processes.process_info',
});

/** `nvidia-smi -q -x`. */
export function parseNvidiaSmiXml(text: string): NvidiaParse {
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { ok: false, error: `not XML (${valid.err.msg} at line ${valid.err.line})` };
  let root: unknown;
  try {
    root = child(xmlParser.parse(text), 'nvidia_smi_log');
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  if (!isNode(root)) return { ok: false, error: 'no <nvidia_smi_log> root element' };
  const gpus = Array.isArray(root.gpu) ? root.gpu.filter(isNode) : [];
  const devices: GpuDevice[] = [];
  const processMemoryBytes: Record<number, number> = {};
  for (const gpu of gpus) {
    const memory = child(gpu, 'fb_memory_usage');
    devices.push({
      name: typeof gpu.product_name === 'string' ? gpu.product_name.trim() : 'NVIDIA GPU',
      powerWatts: powerWatts(gpu),
      tempCelsius: nvidiaNumber(child(child(gpu, 'temperature'), 'gpu_temp')),
      utilizationPercent: nvidiaNumber(child(child(gpu, 'utilization'), 'gpu_util')),
      memoryUsedBytes: mib(child(memory, 'used')),
      memoryTotalBytes: mib(child(memory, 'total')),
    });
    const processes = child(child(gpu, 'processes'), 'process_info');
    for (const p of Array.isArray(processes) ? processes : []) {
      const pid = nvidiaNumber(child(p, 'pid'));
      const bytes = mib(child(p, 'used_memory'));
      if (pid === null || !Number.isInteger(pid) || bytes === null) continue;
      processMemoryBytes[pid] = (processMemoryBytes[pid] ?? 0) + bytes;
    }
  }
  const value: GpuObservation = { source: 'nvidia-smi', devices };
  if (Object.keys(processMemoryBytes).length > 0) value.processMemoryBytes = processMemoryBytes;
  return { ok: true, value };
}

function splitCsvLine(line: string): string[] {
  return line.split(',').map((cell) => cell.trim());
}

/** `nvidia-smi --query-gpu=name,power.draw,… --format=csv[,nounits]`: the header names the columns. */
export function parseNvidiaSmiCsv(text: string): NvidiaParse {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) return { ok: false, error: 'empty input' };
  const header = splitCsvLine(lines[0]!).map((h) => h.replace(/\s*\[[^\]]*\]$/, '').toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const known = ['power.draw', 'temperature.gpu', 'utilization.gpu', 'memory.used', 'memory.total'];
  if (col('name') < 0 || !known.some((k) => col(k) >= 0)) {
    return {
      ok: false,
      error: 'no nvidia-smi --query-gpu header (needs name and a power, memory or temperature column)',
    };
  }
  const devices: GpuDevice[] = [];
  for (const [i, line] of lines.slice(1).entries()) {
    const cells = splitCsvLine(line);
    if (cells.length !== header.length) {
      return { ok: false, error: `row ${i + 1} has ${cells.length} cells, the header ${header.length}` };
    }
    const cell = (name: string) => (col(name) >= 0 ? cells[col(name)] : undefined);
    const used = mib(cell('memory.used'));
    const free = mib(cell('memory.free'));
    const reserved = mib(cell('memory.reserved'));
    // Without memory.total, the driver's total is reserved + used + free.
    const total =
      mib(cell('memory.total')) ?? (used !== null && free !== null ? used + free + (reserved ?? 0) : null);
    devices.push({
      name: cell('name') || 'NVIDIA GPU',
      powerWatts: nvidiaNumber(cell('power.draw')),
      tempCelsius: nvidiaNumber(cell('temperature.gpu')),
      utilizationPercent: nvidiaNumber(cell('utilization.gpu')),
      memoryUsedBytes: used,
      memoryTotalBytes: total,
    });
  }
  if (devices.length === 0) return { ok: false, error: 'a header but no GPU rows' };
  return { ok: true, value: { source: 'nvidia-smi', devices } };
}

/** XML or CSV, by content. */
export function parseNvidiaSmi(text: string): NvidiaParse {
  return text.trimStart().startsWith('<') ? parseNvidiaSmiXml(text) : parseNvidiaSmiCsv(text);
}

/**
 * True when every NVIDIA display controller is runtime-suspended: asking nvidia-smi would wake it
 * (on laptops, the dGPU then draws watts the user is trying to save).
 */
export async function nvidiaGpusSuspended(sysRoot: string): Promise<boolean> {
  const base = join(sysRoot, 'bus', 'pci', 'devices');
  const listing = await listDir(base);
  if (!listing.ok) return false;
  let nvidia = 0;
  let suspended = 0;
  for (const device of listing.names) {
    const dir = join(base, device);
    if ((await readTrimmed(join(dir, 'vendor'))) !== '0x10de') continue;
    if (!(await readTrimmed(join(dir, 'class')))?.startsWith('0x03')) continue;
    nvidia += 1;
    if ((await readTrimmed(join(dir, 'power', 'runtime_status'))) === 'suspended') suspended += 1;
  }
  return nvidia > 0 && suspended === nvidia;
}

const NOT_PRESENT_RECHECK_MS = 5 * 60_000;

export function createNvidiaSmiCollector(env: CollectorEnv): CollectorInstance {
  async function collect(): Promise<Reading<Observation>> {
    if (await nvidiaGpusSuspended(env.sysRoot)) {
      return absent('no-data', 'the NVIDIA GPU is runtime-suspended; not woken just to measure it');
    }
    const result = await env.exec('nvidia-smi', ['-q', '-x'], { timeoutMs: 5000 });
    if (result.failure === 'not-found') return absent('not-present', 'nvidia-smi is not installed');
    if (result.failure === 'timeout') return failed('nvidia-smi timed out');
    if (result.exitCode !== 0) {
      const line = (result.stdout.trim() || result.stderr.trim()).split('\n')[0] ?? '';
      return absent('not-present', `nvidia-smi: ${line || result.failure || `exit ${result.exitCode}`}`);
    }
    const parsed = parseNvidiaSmiXml(result.stdout);
    if (!parsed.ok) return failed(`nvidia-smi: ${parsed.error}`);
    if (parsed.value.devices.length === 0) return absent('not-present', 'nvidia-smi lists no GPU');
    return ok({ gpu: parsed.value }, env.now());
  }
  // Without nvidia-smi (most machines) ask again every few minutes, not on every slow tick.
  const cached = rememberAbsence(collect, env.now, NOT_PRESENT_RECHECK_MS);
  return {
    async collect() {
      try {
        return await cached();
      } catch (error) {
        return failed(`nvidia-smi: ${(error as Error).message}`);
      }
    },
  };
}

export const NVIDIA_SMI_COLLECTOR: CollectorDefinition = {
  id: 'nvidia-smi',
  platforms: ['linux'],
  tier: 'slow',
  provides: ['gpu'],
  defaultEnabled: true,
  description:
    'NVIDIA GPU power, temperature, utilisation, memory and per-process GPU memory (nvidia-smi -q -x)',
  create: createNvidiaSmiCollector,
};
