#!/usr/bin/env node
// Writes the demo recording (tests/fixtures/replay/darwin-m4max-demo/) that `idlewatt monitor
// --replay` shows first: 22 minutes of the UnaMentis stack on the M4 Max — four quiet minutes, two
// minutes of requests, then a long idle stretch in which VibeVoice keeps burning CPU and Ollama keeps
// a model loaded. The monitor reads a first pass at once and then plays on in real time: starting
// quiet, the next pass continues the idle stretch for a while before its requests come round again.
//
// Only the timeline is arranged here. Every output is either a real capture copied verbatim (the
// powermetrics plist) or the written-sample text of the shipped recording (darwin-m4max-stack), whose
// cumulative counters (ps CPU time, netstat bytes) this script advances tick by tick and whose
// connection lines it adds while requests arrive; each tick runs the shipped recording's commands.
// Ollama's /api/ps answer is the documentation's example with its expiry set as for
// OLLAMA_KEEP_ALIVE=-1 (kept loaded).
//
//   node build/demo-recording.mjs [output-dir]
//
// The output is deterministic: tests regenerate it and compare it with the committed copy.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = join(root, 'tests', 'fixtures');
const source = join(fixtures, 'replay', 'darwin-m4max-stack');
const out = process.argv[2] ?? join(fixtures, 'replay', 'darwin-m4max-demo');

const INTERVAL_MS = 10_000;
const TICKS = 132; // 22 minutes
const REQUESTS = { from: 25, to: 36 }; // minutes 4 to 6 carry requests
/** A client outside the stack (a developer's curl, gone before ps saw it): its requests are a user's. */
const CLIENT = 'curl:8211';

/** CPU % of one core per pid: while requests arrive, and after. */
const CPU = {
  1: [0, 0],
  409: [9, 6],
  1386: [4, 1],
  55294: [6, 0.3], // Management Console
  7101: [2, 0.1], // ollama serve
  7188: [160, 0.2], // ollama runner: inference, then the model just sits in memory
  7202: [70, 45], // VibeVoice: keeps spinning with no requests
  7303: [12, 1.5], // Next.js dashboard
  7290: [0.2, 0],
  7404: [25, 0], // Piper
  7505: [40, 0.1], // Whisper
  1029: [14, 12],
};

/** Ports that get requests, with the pid and process name netstat shows for them. */
const SERVED = [
  { port: 8766, process: 'Python:55294', every: 1 },
  { port: 11434, process: 'ollama:7101', every: 2 },
  { port: 8880, process: 'python3.11:7202', every: 2 },
  { port: 3000, process: 'node:7303', every: 1 },
  { port: 11402, process: 'python3:7404', every: 3 },
  { port: 11401, process: 'whisper-server:7505', every: 3 },
];

/** A small deterministic jitter (±5 %), so rates are not flat lines. */
function jitter(seed) {
  const x = Math.sin(seed * 12.9898) * 43758.5453;
  return 0.95 + (x - Math.floor(x)) * 0.1;
}

function parsePs(text) {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => {
      const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s(.*)$/.exec(line);
      if (!m) throw new Error(`unexpected ps line: ${line}`);
      return { pid: Number(m[1]), ppid: Number(m[2]), rss: Number(m[3]), cpu: seconds(m[4]), comm: m[5] };
    });
}

function seconds(time) {
  const [minutes, rest] = time.split(':');
  return Number(minutes) * 60 + Number(rest);
}

/** macOS `ps -o time=`: minutes:seconds.hundredths. */
function psTime(total) {
  const hundredths = Math.round(total * 100);
  const minutes = Math.floor(hundredths / 6000);
  const rest = hundredths - minutes * 6000;
  return `${minutes}:${String(Math.floor(rest / 100)).padStart(2, '0')}.${String(rest % 100).padStart(2, '0')}`;
}

function psLine(p) {
  return `${String(p.pid).padStart(5)} ${String(p.ppid).padStart(5)} ${String(p.rss).padStart(6)} ${psTime(p.cpu).padStart(8)} ${p.comm}`;
}

function netstatLine(local, foreign, state, rx, tx, processName) {
  return (
    `tcp4       0      0  ${local.padEnd(23)}${foreign.padEnd(23)}${state.padEnd(12)}` +
    `${String(rx).padStart(12)} ${String(tx).padStart(12)}  408300  146988 ${processName.padStart(14)}` +
    `  00102 00000000 000000000001ae6b 00000080 00000800      1      0 000001`
  );
}

const psTemplate = parsePs(readFileSync(join(source, 'outputs', 'ps-1.txt'), 'utf8'));
const netstatTemplate = readFileSync(join(source, 'outputs', 'netstat-1.txt'), 'utf8')
  .trimEnd()
  .split('\n');
const netstatHeader = netstatTemplate.slice(0, 2);
const listeners = netstatTemplate.filter((l) => /\bLISTEN\b/.test(l));
const ollamaDocs = JSON.parse(readFileSync(join(fixtures, 'ollama', 'api-ps-docs-api-md.json'), 'utf8'));

const shippedTick = JSON.parse(readFileSync(join(source, 'ticks', '000001.json'), 'utf8'));
const isProcessList = (c) => c.file === 'ps' && c.args.some((a) => a.startsWith('pid='));
const isNetstat = (c) => c.file === 'netstat';

rmSync(out, { recursive: true, force: true });
for (const dir of ['captures', 'outputs', 'ticks']) mkdirSync(join(out, dir), { recursive: true });
// Everything the shipped tick reads besides the process list and the sockets is kept as it is.
const kept = [
  ...shippedTick.commands.filter((c) => !isProcessList(c) && !isNetstat(c)).map((c) => c.stdout),
  ...shippedTick.powermetrics,
];
for (const path of new Set(kept)) copyFileSync(join(source, path), join(out, path));
copyFileSync(join(source, 'outputs', 'iokit-2.json'), join(out, 'outputs', 'iokit.json'));
// Ollama reports a model kept with keep_alive < 0 as expiring centuries ahead.
const keptLoaded = {
  models: ollamaDocs.models.map((m) => ({ ...m, expires_at: '2318-01-01T00:00:00Z' })),
};
writeFileSync(join(out, 'outputs', 'ollama-api-ps.json'), JSON.stringify(keptLoaded, null, 2) + '\n');

const processes = psTemplate.map((p) => ({ ...p }));
const bytes = new Map(SERVED.map((s) => [s.port, { rx: 0, tx: 0 }]));
let clientPort = 52000;
let idleNetstatWritten = false;
for (let tick = 1; tick <= TICKS; tick++) {
  const name = String(tick).padStart(6, '0');
  const requests = tick >= REQUESTS.from && tick <= REQUESTS.to;
  if (tick > 1) {
    for (const p of processes) {
      const [busy, idle] = CPU[p.pid] ?? [0, 0];
      p.cpu += ((requests ? busy : idle) / 100) * (INTERVAL_MS / 1000) * jitter(tick * 31 + p.pid);
    }
  }
  writeFileSync(join(out, 'outputs', `${name}-ps.txt`), processes.map(psLine).join('\n') + '\n');

  // While requests arrive, each served port gets a new client connection on its cadence, seen from
  // both ends on loopback; otherwise the sockets list only the listeners (one file for all quiet ticks).
  let netstat = 'outputs/netstat-idle.txt';
  if (requests) {
    const lines = [...netstatHeader];
    for (const s of SERVED) {
      if (tick % s.every !== 0) continue;
      const b = bytes.get(s.port);
      b.rx += 4096;
      b.tx += s.port === 11434 || s.port === 8880 ? 65536 : 2048;
      const client = `127.0.0.1.${++clientPort}`;
      lines.push(
        netstatLine(`127.0.0.1.${s.port}`, client, 'ESTABLISHED', b.rx, b.tx, s.process),
        netstatLine(client, `127.0.0.1.${s.port}`, 'ESTABLISHED', b.tx, b.rx, CLIENT),
      );
    }
    lines.push(...listeners);
    netstat = `outputs/${name}-netstat.txt`;
    writeFileSync(join(out, netstat), lines.join('\n') + '\n');
  } else if (!idleNetstatWritten) {
    writeFileSync(join(out, netstat), [...netstatHeader, ...listeners].join('\n') + '\n');
    idleNetstatWritten = true;
  }

  const tickFile = {
    at: (tick - 1) * INTERVAL_MS,
    commands: shippedTick.commands.map((c) => ({
      ...c,
      stdout: isProcessList(c) ? `outputs/${name}-ps.txt` : isNetstat(c) ? netstat : c.stdout,
    })),
    powermetrics: shippedTick.powermetrics,
    iokit: 'outputs/iokit.json',
    ...(shippedTick.notify ? { notify: shippedTick.notify } : {}),
    http: [{ url: 'http://127.0.0.1:11434/api/ps', status: 200, body: 'outputs/ollama-api-ps.json' }],
  };
  writeFileSync(join(out, 'ticks', `${name}.json`), JSON.stringify(tickFile) + '\n');
}

const manifest = {
  format: 'idlewatt-recording',
  version: 1,
  platform: 'darwin',
  intervalMs: INTERVAL_MS,
  ticks: TICKS,
  description:
    'Demo: the UnaMentis stack on a MacBook Pro M4 Max, on battery — four quiet minutes, two minutes ' +
    'of requests, then 16 ' +
    'quiet minutes in which VibeVoice (:8880) keeps burning ~45 % CPU and Ollama keeps a 5.1 GB model ' +
    'loaded. Built by build/demo-recording.mjs: the powermetrics plist is a real capture, the other ' +
    'outputs are the written samples of darwin-m4max-stack with their counters advanced along this timeline.',
};
writeFileSync(join(out, 'recording.json'), JSON.stringify(manifest, null, 2) + '\n');
