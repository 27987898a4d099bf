/**
 * Property-based fuzzing of every parser: real fixtures mutated (edits, truncations, hostile numbers,
 * markup) and random text. A parser may reject, but only with a labelled error; it never throws, and
 * what it accepts carries finite figures only. Existing narrower properties: the powermetrics stream
 * chunking (tests/unit/collectors/darwin/powermetrics-stream.test.ts), settings files of random text
 * (tests/unit/settings/settings-store.test.ts), random alert series (tests/unit/alerts/engine-invariants).
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { PARSERS } from '../../main/cli/parse-command.js';
import {
  parseNvidiaSmi,
  parseNvidiaSmiCsv,
  parseNvidiaSmiXml,
} from '../../main/collectors/linux/nvidia-smi.js';
import { parseOllamaPs } from '../../main/collectors/common/ollama.js';
import { parseHidIdle } from '../../main/collectors/darwin/hid-idle.js';
import { parseIoregBattery } from '../../main/collectors/darwin/ioreg-battery.js';
import { parseIoregBlocks, parseIoregValue } from '../../main/collectors/darwin/ioreg-value.js';
import { parseLsofTcp, parseOpenFileCounts } from '../../main/collectors/darwin/lsof.js';
import { parseNetstat } from '../../main/collectors/darwin/netstat.js';
import { parsePlist } from '../../main/collectors/darwin/plist.js';
import { parsePmsetTherm } from '../../main/collectors/darwin/pmset-therm.js';
import {
  parsePowermetricsDocument,
  parsePowermetricsPlist,
} from '../../main/collectors/darwin/powermetrics-plist.js';
import { PowermetricsStreamReader } from '../../main/collectors/darwin/powermetrics-stream.js';
import { parsePowermetricsText } from '../../main/collectors/darwin/powermetrics-text.js';
import { parseCpuTime, parsePs, parseThreadCounts } from '../../main/collectors/darwin/ps.js';
import { parseCmdline, parseProcStat, parseProcStatus } from '../../main/collectors/linux/procfs.js';
import { parseRaplLoopLine } from '../../main/collectors/linux/rapl-elevation.js';
import { parseHexAddress, parseProcNetTcp } from '../../main/collectors/linux/sockets.js';
import { parseLoginctlUser, parseXprintidle } from '../../main/collectors/linux/user-idle.js';
import { bearerToken, parseCookies } from '../../main/api/auth.js';
import { readJsonBody } from '../../main/api/body.js';
import { HttpError } from '../../main/api/errors.js';
import { isAllowedHost, parseHostHeader } from '../../main/api/host-check.js';
import {
  parseDurationMs,
  parseInteger,
  parseRange,
  parseSince,
  parseTime,
  readQuery,
} from '../../main/api/query.js';
import { validateSnoozeRequest } from '../../main/contract/requests.js';
import { defaultSettings, validateSettings, type Settings } from '../../main/contract/index.js';
import { parseByteSize, parseLoadedModels } from '../../main/store/legacy-model-line.js';
import { parseDuration, parseInstant, parseRangeSpec } from '../../main/report/time-range.js';
import { migrateSettings, openSettingsStore } from '../../main/settings/index.js';
import { decodeAlert } from '../../main/store/alert-codec.js';
import { decodePowerView, decodeSample, encodeSample, lineTime } from '../../main/store/record-codec.js';
import {
  decodeServiceRollup,
  decodeSystemRollup,
  encodeServiceRollup,
  encodeSystemRollup,
  parseSystemRollupRow,
} from '../../main/store/rollup-codec.js';
import { addSample, emptyAggregate } from '../../main/store/rollup.js';
import { encodeAlert } from '../../main/store/alert-codec.js';
import { tempDir } from '../helpers.js';
import { makeAlert, makeStackSample, T0 } from '../unit/store/sample-factory.js';
import {
  assertFiniteDeep,
  assertLabelled,
  check,
  fixtureTexts,
  mutatedText,
  parserInput,
  randomText,
  runs,
} from './fuzz-support.js';

const PLISTS = fixtureTexts('powermetrics', (n) => n.endsWith('.plist') || n.endsWith('.xml'));
const SMALL_PLISTS = PLISTS.filter((t) => t.length < 40_000);
const PM_TEXT = fixtureTexts('powermetrics', (n) => n.endsWith('.txt'));
const IOREG = [...fixtureTexts('ioreg'), ...fixtureTexts('replay', (n) => n.startsWith('ioreg'))];
const PMSET = fixtureTexts('pmset');
const PS = [...fixtureTexts('ps'), ...fixtureTexts('replay', (n) => n.startsWith('ps-'))];
const LSOF = [...fixtureTexts('lsof'), ...fixtureTexts('replay', (n) => n.startsWith('lsof'))];
const NETSTAT = fixtureTexts('replay', (n) => n.startsWith('netstat'));
const PROC_STAT = fixtureTexts('procfs', (n) => n === 'stat');
const PROC_STATUS = fixtureTexts('procfs', (n) => n === 'status');
const PROC_CMDLINE = fixtureTexts('procfs', (n) => n === 'cmdline');
const PROC_TCP = fixtureTexts('procfs', (n) => n === 'tcp' || n === 'tcp6');
const NVIDIA = fixtureTexts('nvidia-smi');
const NVIDIA_SMALL = NVIDIA.filter((t) => t.length < 40_000);
const OLLAMA = fixtureTexts('ollama');

const finiteOrNull = (value: number | null, what: string): void => {
  if (value !== null) assert.ok(Number.isFinite(value), `${what} is ${value}`);
};

test('powermetrics plist: documents parse or are labelled, streams never throw', () => {
  check(
    parserInput(SMALL_PLISTS),
    (text) => {
      const outcome = parsePowermetricsPlist(text);
      assertFiniteDeep(outcome.samples, 'samples');
      if (outcome.malformed > 0) assert.ok(outcome.firstError && outcome.firstError.trim() !== '');
      assertLabelled(parsePowermetricsDocument(text), 'parsePowermetricsDocument');
      const plist = parsePlist(text);
      if (!plist.ok) assert.ok(plist.error.trim() !== '');
    },
    600,
  );
  // The 260 KB M4 Max document with its 105 tasks: fewer runs, same promises.
  check(
    mutatedText(PLISTS.filter((t) => t.length >= 40_000)),
    (text) => assertLabelled(parsePowermetricsDocument(text), 'large document'),
    40,
  );
  check(
    fc.tuple(mutatedText(SMALL_PLISTS), fc.array(fc.integer({ min: 1, max: 900 }), { maxLength: 20 })),
    ([text, sizes]) => {
      let emitted = 0;
      let rejected = 0;
      const reader = new PowermetricsStreamReader({
        onSample: (sample) => {
          assertFiniteDeep(sample, 'streamed sample');
          emitted++;
        },
        onMalformed: (error) => {
          assert.ok(error.trim() !== '');
          rejected++;
        },
      });
      const bytes = Buffer.from(text + '\0' + SMALL_PLISTS[0] + '\0', 'utf8');
      let offset = 0;
      for (const size of sizes) {
        reader.push(bytes.subarray(offset, offset + size));
        offset += size;
      }
      reader.push(bytes.subarray(offset));
      reader.end();
      assert.ok(emitted >= 1, 'the good document after the damaged one still parses');
      assert.equal(reader.samples, emitted);
      assert.equal(reader.malformed, rejected);
    },
    300,
  );
});

test('powermetrics text output: samples or a labelled error', () => {
  check(
    parserInput(PM_TEXT),
    (text) => assertLabelled(parsePowermetricsText(text), 'powermetrics text'),
    250,
  );
});

test('ioreg battery, ioreg values and HIDIdleTime', () => {
  check(
    parserInput(IOREG),
    (text) => {
      assertLabelled(parseIoregBattery(text), 'ioreg battery');
      assertLabelled(parseHidIdle(text), 'HIDIdleTime');
      assert.ok(Array.isArray(parseIoregBlocks(text)));
      parseIoregValue(text);
    },
    800,
  );
});

test('pmset -g therm', () => {
  check(parserInput(PMSET), (text) => assertLabelled(parsePmsetTherm(text), 'pmset'), 1000);
});

test('ps: process tables, CPU times and thread counts', () => {
  check(
    parserInput(PS),
    (text) => {
      assertLabelled(parsePs(text), 'ps');
      assertFiniteDeep(parseThreadCounts(text, new Set([1, 7303, 55294, 412])), 'thread counts');
      for (const token of text.split(/\s+/).slice(0, 50)) {
        const seconds = parseCpuTime(token);
        finiteOrNull(seconds, `cpu time of '${token}'`);
        if (seconds !== null) assert.ok(seconds >= 0);
      }
    },
    800,
  );
});

test('lsof field and table output, open-file counts', () => {
  check(
    parserInput(LSOF),
    (text) => {
      assertLabelled(parseLsofTcp(text), 'lsof');
      assertFiniteDeep(parseOpenFileCounts(text), 'open files');
    },
    1000,
  );
});

test('netstat -anv', () => {
  check(parserInput(NETSTAT), (text) => assertLabelled(parseNetstat(text), 'netstat'), 1000);
});

test('/proc files: stat, status, cmdline and net/tcp', () => {
  check(
    parserInput([...PROC_STAT, ...PROC_STATUS, ...PROC_CMDLINE]),
    (text) => {
      const stat = parseProcStat(text);
      if (stat !== null) {
        assertFiniteDeep(stat, 'stat');
        assert.ok(Number.isInteger(stat.pid) && stat.pid >= 0, `pid ${stat.pid}`);
        assert.ok(stat.utimeTicks >= 0 && stat.stimeTicks >= 0, 'CPU ticks never negative');
      }
      assertFiniteDeep(parseProcStatus(text), 'status');
      assert.equal(typeof parseCmdline(text), 'string');
    },
    1500,
  );
  check(
    parserInput(PROC_TCP),
    (text) => {
      for (const little of [true, false]) {
        for (const entry of parseProcNetTcp(text, little)) {
          assertFiniteDeep(entry, 'tcp row');
          assert.ok(entry.localPort >= 0 && entry.localPort <= 65535, `port ${entry.localPort}`);
          assert.ok(entry.remotePort >= 0 && entry.remotePort <= 65535, `port ${entry.remotePort}`);
        }
      }
      for (const word of text.split(/[\s:]+/).slice(0, 40)) parseHexAddress(word);
    },
    800,
  );
});

test('nvidia-smi XML (every schema generation) and CSV', () => {
  check(
    parserInput(NVIDIA_SMALL),
    (text) => {
      assertLabelled(parseNvidiaSmi(text), 'nvidia-smi');
      assertLabelled(parseNvidiaSmiXml(text), 'nvidia-smi xml');
      assertLabelled(parseNvidiaSmiCsv(text), 'nvidia-smi csv');
    },
    400,
  );
  check(
    mutatedText(NVIDIA.filter((t) => t.length >= 40_000)),
    (text) => assertLabelled(parseNvidiaSmi(text), 'large nvidia-smi'),
    40,
  );
});

/** Ollama's /api/ps with arbitrary JSON where the models go, and models of arbitrary shape. */
const ollamaBodies = fc.oneof(
  parserInput(OLLAMA),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.jsonValue().map((v) => JSON.stringify({ models: v })),
  fc
    .array(
      fc.oneof(
        fc.jsonValue(),
        fc.record(
          {
            name: fc.oneof(fc.string(), fc.jsonValue()),
            size: fc.oneof(fc.double(), fc.integer(), fc.jsonValue()),
            size_vram: fc.oneof(fc.double(), fc.jsonValue()),
            expires_at: fc.oneof(
              fc.string(),
              fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            ),
          },
          { requiredKeys: [] },
        ),
      ),
      { maxLength: 4 },
    )
    .map((models) => JSON.stringify({ models })),
);

test('Ollama /api/ps JSON', () => {
  check(
    ollamaBodies,
    (text) => {
      const outcome = parseOllamaPs(text);
      assertLabelled(outcome, 'ollama');
      if (outcome.ok) for (const m of outcome.value) assert.ok(m.sizeBytes >= 0, `size ${m.sizeBytes}`);
      if (!outcome.ok) assert.doesNotMatch(outcome.error, /\n/);
    },
    1500,
  );
});

test('user idle (loginctl, xprintidle) and the RAPL root loop lines', () => {
  const loginctl = 'Display=c2\nIdleHint=yes\nIdleSinceHint=1736931600000000\n';
  check(
    parserInput([loginctl, 'Display=\nIdleHint=no\n', '123456\n']),
    (text) => {
      for (const parsed of [parseLoginctlUser(text, T0), parseXprintidle(text)]) {
        if (parsed.kind === 'idle') assert.ok(Number.isFinite(parsed.seconds) && parsed.seconds >= 0);
        if (parsed.kind === 'invalid') assert.ok(parsed.message.trim() !== '');
      }
    },
    1000,
  );
  check(
    parserInput(['idlewatt-rapl 1 12345.67 intel-rapl:0=123456 intel-rapl:0:0=999 intel-rapl:a=1\n']),
    (text) => {
      const line = parseRaplLoopLine(text);
      if (line !== null) {
        assertFiniteDeep(line, 'rapl line');
        assert.ok(line.atMs >= 0);
        for (const uj of Object.values(line.energyUj)) assert.ok(Number.isSafeInteger(uj) && uj >= 0);
      }
    },
    1000,
  );
});

test('every `idlewatt parse` kind: labelled outcomes on any captured output, mutated', () => {
  const everything = [...SMALL_PLISTS, ...PM_TEXT, ...IOREG, ...PMSET, ...PS, ...LSOF, ...NETSTAT];
  const all = [...everything, ...PROC_STAT, ...PROC_TCP, ...NVIDIA_SMALL, ...OLLAMA];
  assert.ok(PARSERS.length >= 11, 'the registry lists every parser');
  check(
    fc.tuple(fc.constantFrom(...PARSERS), parserInput(all)),
    ([entry, text]) => assertLabelled(entry.parse(text), `parse ${entry.kind}`),
    1500,
  );
});

// ── settings ─────────────────────────────────────────────────────────────

const SETTINGS_TEXT = JSON.stringify(defaultSettings(), null, 2);

/** Valid settings with one value anywhere in the tree replaced by arbitrary JSON. */
const settingsWithOneBadValue = fc.tuple(fc.nat(), fc.jsonValue()).map(([pick, value]) => {
  const doc = JSON.parse(SETTINGS_TEXT) as Record<string, unknown>;
  const paths: (string | number)[][] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    if (typeof node !== 'object' || node === null) return;
    for (const [k, v] of Object.entries(node)) {
      const child = [...path, Array.isArray(node) ? Number(k) : k];
      paths.push(child);
      walk(v, child);
    }
  };
  walk(doc, []);
  const path = paths[pick % paths.length]!;
  let parent = doc as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = value;
  return doc;
});

test('settings: validateSettings and migrateSettings label every problem by field', () => {
  check(
    fc.oneof(
      fc.jsonValue(),
      settingsWithOneBadValue,
      mutatedText([SETTINGS_TEXT]).map((text) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return text;
        }
      }),
    ),
    (input) => {
      const validated = validateSettings(input);
      if (validated.ok) {
        assertFiniteDeep(validated.value, 'settings');
        assert.ok(validateSettings(structuredClone(validated.value)).ok, 'accepted settings stay valid');
      } else {
        assert.ok(validated.errors.length > 0);
        for (const e of validated.errors) {
          assert.ok(e.field.trim() !== '' && e.reason.trim() !== '', JSON.stringify(e));
        }
      }
      const migrated = migrateSettings(input);
      if (!migrated.ok) assert.ok(migrated.reason.trim() !== '');
    },
    2000,
  );
});

test('settings: the store opens any mutation of a real settings file and yields valid settings', (t) => {
  const dir = tempDir(t);
  let n = 0;
  check(
    fc.oneof(
      mutatedText([SETTINGS_TEXT]),
      settingsWithOneBadValue.map((doc) => JSON.stringify(doc)),
    ),
    (content) => {
      const file = join(dir, `settings-${n++}.json`);
      writeFileSync(file, content);
      const store = openSettingsStore({ file, now: () => T0 + n });
      const settings: Settings = store.get();
      assert.ok(validateSettings(settings).ok);
      const valid = (() => {
        try {
          return validateSettings(JSON.parse(content)).ok;
        } catch {
          return false;
        }
      })();
      if (!valid) assert.ok(store.notices.length > 0, 'an unusable file leaves a notice');
    },
    120,
  );
});

// ── history records ──────────────────────────────────────────────────────

const SAMPLE_LINES = [0, 1, 2].map((i) =>
  encodeSample(
    makeStackSample({ at: T0 + i * 5000, gap: i === 2, power: { systemWatts: i === 1 ? null : 7.5 } }),
  ),
);
const ALERT_LINES = [encodeAlert(makeAlert()), encodeAlert(makeAlert({ kind: 'cleared', severity: null }))];
const ROLLUP_LINES = (() => {
  const agg = emptyAggregate(T0);
  for (let i = 0; i < 12; i++) addSample(agg, makeStackSample({ at: T0 + i * 5000 }));
  return [encodeSystemRollup(agg), encodeServiceRollup(agg)];
})();

test('history lines: samples, alerts and rollups decode or are refused, never thrown', () => {
  check(
    parserInput([...SAMPLE_LINES, ...ALERT_LINES, ...ROLLUP_LINES]),
    (line) => {
      for (const decoded of [decodeSample(line), decodePowerView(line)]) {
        if (decoded === null) continue;
        assertFiniteDeep(decoded, 'decoded sample');
      }
      const alert = decodeAlert(line);
      if (alert) assert.ok(typeof alert.id === 'string' && alert.id !== '');
      for (const rollup of [decodeSystemRollup(line), decodeServiceRollup(line)]) {
        if (rollup) assert.ok(Number.isFinite(rollup.at));
      }
      const row = parseSystemRollupRow(line);
      if (row) assert.ok(Number.isFinite(row[0]));
      const at = lineTime(line);
      assert.ok(Number.isNaN(at) || typeof at === 'number');
    },
    2500,
  );
});

// ── API query and body parsing ───────────────────────────────────────────

function assertBadRequest(fn: () => unknown, what: string): void {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HttpError, `${what} threw ${String(error)}`);
    assert.equal(error.status, 400, what);
    assert.ok(error.detail.trim() !== '', `${what}: empty detail`);
    assert.ok(error.fields && error.fields.length > 0, `${what}: no field named`);
  }
}

const QUERY_VALUES = [
  '1736931600000',
  '2025-01-15T09:00:00Z',
  '2025-01-15T09:00:00.123+01:00',
  '2025-01-15',
  '24h',
  '90s',
  '7d',
  '2w',
  '120',
  '1736931600000..1736935200000',
  '2025-01-14T00:00:00Z..2025-01-14T06:00:00Z',
];

test('API query parameters: values parse or are 400s naming the parameter', () => {
  check(
    fc.oneof(parserInput(QUERY_VALUES), fc.constantFrom(...QUERY_VALUES)),
    (value) => {
      assertBadRequest(() => parseInteger('points', value, 1, 10_000), 'parseInteger');
      assertBadRequest(() => assert.ok(Number.isFinite(parseTime('from', value))), 'parseTime');
      assertBadRequest(() => assert.ok(Number.isFinite(parseSince('since', value, T0))), 'parseSince');
      assertBadRequest(() => {
        const range = parseRange('before', value);
        assert.ok(range.from < range.to && Number.isFinite(range.from) && Number.isFinite(range.to));
      }, 'parseRange');
      const duration = parseDurationMs(value);
      finiteOrNull(duration, 'duration');
    },
    3000,
  );
  check(
    fc.oneof(
      fc.string({ maxLength: 120 }),
      fc
        .array(fc.tuple(fc.constantFrom('from', 'to', 'points', 'limit', 'since', 'x', ''), randomText()), {
          maxLength: 5,
        })
        .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')),
    ),
    (search) => {
      assertBadRequest(() => {
        const query = readQuery(new URLSearchParams(search), ['from', 'to', 'points']);
        for (const key of query.keys()) assert.ok(['from', 'to', 'points'].includes(key));
      }, 'readQuery');
    },
    2000,
  );
});

test('report and compare ranges, byte sizes, Ollama details (CLI and report parsers)', () => {
  check(
    fc.oneof(parserInput([...QUERY_VALUES, '4.7 GB', '800 MiB', '2 models loaded, 9.1 GB']), randomText()),
    (text) => {
      finiteOrNull(parseDuration(text), 'duration');
      finiteOrNull(parseInstant(text), 'instant');
      const range = parseRangeSpec(text, 'before');
      if (range.ok) assert.ok(range.range.from < range.range.to);
      else assert.ok(range.error.trim() !== '');
      finiteOrNull(parseByteSize(text), 'bytes');
      const models = parseLoadedModels(text);
      if (models) assertFiniteDeep(models, 'models');
    },
    2000,
  );
});

test('snooze bodies: a SnoozeRequest or field errors', () => {
  const valid = [
    { rule: 'idle-power', until: { minutes: 60 } },
    { rule: 'all', until: 'tomorrow' },
  ];
  check(
    fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          rule: fc.oneof(fc.constantFrom('idle-power', 'all', 'thermal-pressure'), fc.jsonValue()),
          until: fc.oneof(
            fc.constant('tomorrow'),
            fc.record({ minutes: fc.oneof(fc.double(), fc.jsonValue()) }),
            fc.jsonValue(),
          ),
          extra: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
      mutatedText(valid.map((v) => JSON.stringify(v))).map((t) => {
        try {
          return JSON.parse(t) as unknown;
        } catch {
          return t;
        }
      }),
    ),
    (body) => {
      const checked = validateSnoozeRequest(body);
      if (checked.ok) {
        const { until } = checked.value;
        if (until !== 'tomorrow') assert.ok(Number.isFinite(until.minutes) && until.minutes > 0);
      } else {
        assert.ok(checked.errors.length > 0);
        // The field is the offending key as sent, which may itself be '' ({"": 0}); the reason never is.
        for (const e of checked.errors) assert.ok(typeof e.field === 'string' && e.reason.trim() !== '');
      }
    },
    2000,
  );
});

function fakeRequest(body: Buffer, headers: Record<string, string>): IncomingMessage {
  return Object.assign(Readable.from(body.length > 0 ? [body] : []), {
    headers,
  }) as unknown as IncomingMessage;
}

test('JSON request bodies: parsed, or a 400/413 with a reason', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        mutatedText([JSON.stringify({ rule: 'all', until: 'tomorrow' }), SETTINGS_TEXT]),
        fc.string({ unit: 'binary', maxLength: 200 }),
      ),
      fc.option(fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8', '')),
      fc.option(fc.integer({ min: -5, max: 200_000 })),
      async (text, type, declared) => {
        const body = Buffer.from(text, 'utf8');
        const headers: Record<string, string> = {};
        if (type !== null) headers['content-type'] = type;
        if (declared !== null) headers['content-length'] = String(declared);
        try {
          await readJsonBody(fakeRequest(body, headers), { limit: 4096 });
        } catch (error) {
          assert.ok(error instanceof HttpError, `threw ${String(error)}`);
          assert.ok([400, 413].includes(error.status));
          assert.ok(error.detail.trim() !== '');
        }
      },
    ),
    { numRuns: runs(800) },
  );
});

test('Host, Authorization and Cookie headers: any text parses or is refused', () => {
  check(
    fc.oneof(
      randomText(),
      parserInput(['127.0.0.1:8787', '[::1]:8787', 'localhost:8787', 'Bearer abc', 'a=b; c=d']),
    ),
    (header) => {
      const host = parseHostHeader(header);
      if (host) assert.ok(host.port === null || (host.port >= 1 && host.port <= 65535));
      const allowed = isAllowedHost(header, 8787);
      if (allowed) assert.ok(host !== null, `'${header}' allowed without parsing`);
      parseCookies(header);
      const bearer = bearerToken(header);
      if (bearer !== null) assert.doesNotMatch(bearer, /\s/);
    },
    3000,
  );
});
