import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MonitorStatus } from '../../../main/contract/api.js';
import type { HistoryPoint } from '../../../main/contract/history.js';
import { describeSnooze } from '../../../renderer/model/alerts-model.js';
import { bannersFor, type BannerInput } from '../../../renderer/model/banners.js';
import { headerModel } from '../../../renderer/model/header-model.js';
import { idleRows } from '../../../renderer/model/idle-model.js';
import { attributionLine } from '../../../renderer/model/services-model.js';
import { pressureDurations } from '../../../renderer/model/thermal-model.js';
import { syntheticReport, syntheticSample, type SyntheticOptions } from '../../e2e/synthetic-data.js';

const NOW = new Date(2024, 4, 6, 15, 10).getTime();
const data: SyntheticOptions = {
  dataStart: NOW - 8 * 86_400_000,
  withPower: true,
  failingCollector: null,
  services: true,
};

test('the header names the measured source, the battery state and how long the stack has idled', () => {
  const sample = syntheticSample(NOW, 5000, data);
  const m = headerModel(sample, NOW + 60_000);
  assert.equal(m.watts, `${sample.power.systemWatts!.toFixed(1)} W`);
  assert.equal(m.source, 'system \u00b7 measured (power-supply-discharge)');
  assert.equal(m.battery, 'Battery 64 % \u00b7 on battery');
  assert.ok(m.thermal.label.length > 0);
  assert.match(m.idle, sample.idle.stackIdle ? /^Stack idle for \d/ : /^Stack active/);
  const noPower = headerModel(syntheticSample(NOW, 5000, { ...data, withPower: false }), NOW);
  assert.equal(noPower.watts, '—');
  assert.equal(noPower.source, 'no power reading: power readings need permission');
  assert.equal(m.details, '', 'a measured figure needs no details');
  assert.match(noPower.details, /permission/, 'the raw reasons stay one click away');
  const noSensor = syntheticSample(NOW, 5000, { ...data, withPower: false });
  noSensor.absent['power.systemWatts'] =
    'rapl: not-present: no powercap interface (no RAPL on this machine or kernel); battery: not-present: no battery';
  assert.equal(
    headerModel(noSensor, NOW).source,
    'no power reading: this machine has no power sensor IdleWatt can read',
  );
  assert.equal(headerModel(null, NOW).source, 'waiting for the first sample');
});

const status = (over: Partial<MonitorStatus> = {}): MonitorStatus => ({
  version: '0',
  platform: 'linux',
  startedAt: 0,
  mode: 'headless',
  historyLength: 10,
  dataDir: null,
  permission: { state: 'not-needed', message: '', canRequest: false },
  notices: [],
  self: null,
  ...over,
});
const input = (over: Partial<BannerInput>): BannerInput => ({
  status: status(),
  latest: null,
  connection: null,
  loadError: null,
  permissionAsking: false,
  intervalSeconds: 5,
  ...over,
});

test('banners cover unreachable, permission (asks once), failing collectors and first run', () => {
  assert.deepEqual(
    bannersFor(input({ loadError: 'The IdleWatt monitor is unreachable (refused)' })).map((b) => [
      b.id,
      b.action?.kind,
    ]),
    [['backend-down', 'retry']],
  );
  assert.equal(
    bannersFor(input({ connection: { connected: false } }))[0]!.title,
    'Connection to the monitor lost',
  );
  const needed = status({ permission: { state: 'needed', message: 'Needs a password.', canRequest: true } });
  assert.equal(bannersFor(input({ status: needed }))[0]!.action?.kind, 'request-permission');
  assert.equal(bannersFor(input({ status: needed, permissionAsking: true }))[0]!.action, null);
  const failing = syntheticSample(NOW, 5000, {
    ...data,
    failingCollector: { id: 'nvidia-smi', status: 'error', reason: 'exit 9', durationMs: 3 },
  });
  const collectorBanner = bannersFor(input({ latest: failing })).find((b) => b.id === 'collector-nvidia-smi');
  assert.equal(collectorBanner?.text, 'exit 9');
  const firstRun = bannersFor(input({ status: status({ historyLength: 0 }) }));
  assert.equal(firstRun[0]?.id, 'first-run');
  assert.match(firstRun[0]!.text, /every 5 s/);
  assert.deepEqual(bannersFor(input({ latest: syntheticSample(NOW, 5000, data) })), []);
});

test('a cancelled password prompt can be asked again, but not while one is showing', () => {
  const denied = status({
    permission: { state: 'denied', message: 'The password prompt was cancelled.', canRequest: true },
  });
  assert.deepEqual(bannersFor(input({ status: denied }))[0]!.action, {
    kind: 'request-permission',
    label: 'Ask again',
  });
  assert.equal(bannersFor(input({ status: denied, permissionAsking: true }))[0]!.action, null);
  const stopped = status({ permission: { state: 'denied', message: 'Stopped.', canRequest: false } });
  assert.equal(bannersFor(input({ status: stopped }))[0]!.action, null);
});

test('first launch on macOS: a panel explains the password with "Allow once" and "Not now"', () => {
  const explain = {
    title: 'Power readings need your password',
    text: 'Why…',
    allowLabel: 'Allow once',
    declineLabel: 'Not now',
  };
  const first = status({
    permission: { state: 'needed', message: 'Needs a password.', canRequest: true, explain },
  });
  const panel = bannersFor(input({ status: first }))[0]!;
  assert.equal(panel.id, 'first-run-power');
  assert.equal(panel.title, explain.title);
  assert.deepEqual(panel.action, { kind: 'request-permission', label: 'Allow once' });
  assert.deepEqual(panel.secondary, { kind: 'decline-permission', label: 'Not now' });
  const asking = bannersFor(input({ status: first, permissionAsking: true }))[0]!;
  assert.equal(asking.action, null);
  assert.equal(asking.secondary, undefined, 'no choice while the prompt is up');
  const declined = bannersFor(input({ status: first, explanationDeclined: true }))[0]!;
  assert.equal(declined.id, 'permission', '"Not now" leaves the plain banner that still offers the prompt');
  assert.equal(declined.action?.label, 'Allow power readings');
});

test('an unreachable monitor says how old the figures still on screen are', () => {
  const latest = syntheticSample(new Date(2024, 4, 6, 14, 5).getTime(), 5000, data);
  const down = bannersFor(input({ loadError: 'The IdleWatt monitor is unreachable (refused)', latest }));
  assert.equal(
    down[0]!.text,
    'The IdleWatt monitor is unreachable (refused). The figures below are from 14:05 and may be out of date.',
  );
  const lost = bannersFor(input({ connection: { connected: false, detail: 'Stream interrupted.' }, latest }));
  assert.match(lost[0]!.text, /^Stream interrupted\. The figures below are from 14:05/);
  assert.equal(bannersFor(input({ loadError: 'Refused.' }))[0]!.text, 'Refused.');
});

test('an estimated system figure carries ≈ and a tooltip; a clock set back shows no negative time', () => {
  const sample = syntheticSample(NOW, 5000, data);
  const estimated = {
    ...sample,
    sources: { ...sample.sources, 'power.systemWatts': { source: 'battery', kind: 'estimated' as const } },
  };
  const m = headerModel(estimated, NOW);
  assert.equal(m.watts, `\u2248 ${sample.power.systemWatts!.toFixed(1)} W`);
  assert.equal(
    m.sourceTitle,
    'System: the whole machine (display, SSD, Wi-Fi, memory included) \u00b7 estimated by battery',
  );
  const idleSince = { ...sample, idle: { ...sample.idle, stackIdle: true, stackIdleSinceAt: NOW + 60_000 } };
  assert.equal(headerModel(idleSince, NOW).idle, 'Stack idle for 0 s');
});

test('idle rows join today and this week, most wasteful first', () => {
  const today = syntheticReport({ from: NOW - 3600_000, to: NOW }, data, []);
  const week = syntheticReport({ from: NOW - 3 * 86_400_000, to: NOW }, data, []);
  const rows = idleRows(today, week);
  assert.equal(rows[0]!.serviceId, 'vibevoice');
  for (const row of rows) {
    assert.ok(row.week! >= row.today!, `${row.serviceId}: a week holds at least today`);
  }
  assert.deepEqual(idleRows(null, null), []);
});

test('pressure durations weigh each point by the time to the next; gaps are not counted', () => {
  const p = (at: number, thermalLevel: number | null, gap = false) =>
    ({ at, thermalLevel, gap }) as HistoryPoint;
  assert.deepEqual(
    pressureDurations([p(0, 0), p(10_000, 1), p(40_000, null), p(50_000, 2, true), p(60_000, 3)]),
    {
      nominal: 10,
      fair: 30,
      serious: 0,
      critical: 0,
      unknown: 10,
    },
  );
});

test('snooze state reads as a sentence and drops expired entries', () => {
  const now = new Date(2024, 4, 6, 13, 0).getTime();
  assert.equal(
    describeSnooze({ snoozedUntil: { all: now + 90 * 60_000, 'idle-power': now - 1 } }, now),
    'Snoozed: All alerts until 14:30',
  );
  assert.equal(describeSnooze(null, now), 'No alerts snoozed.');
  assert.equal(
    describeSnooze(
      { snoozedUntil: {}, snoozedServices: { ollama: now + 60 * 60_000, nextjs: now - 1 } },
      now,
    ),
    'Snoozed: ollama alerts until 14:00',
  );
});

test('Apple silicon with the password: the header reads "System 9.1 W · SoC 3.2 W" and never swaps them', () => {
  const base = syntheticSample(NOW, 5000, data);
  const mac = {
    ...base,
    platform: 'darwin' as const,
    power: { ...base.power, systemWatts: 9.12, packageWatts: 3.248, aneWatts: 0 },
    sources: {
      'power.systemWatts': { source: 'ioreg-telemetry', kind: 'measured' as const },
      'power.packageWatts': { source: 'powermetrics', kind: 'measured' as const },
    },
  };
  const m = headerModel(mac, NOW);
  assert.equal(`${m.label} ${m.watts} \u00b7 ${m.secondary}`, 'System 9.1 W \u00b7 SoC 3.2 W');
  assert.match(m.secondaryTitle, /SoC: the Apple silicon package.*measured by powermetrics/);
  const socOnly = headerModel(
    {
      ...mac,
      power: { ...mac.power, systemWatts: null },
      sources: { 'power.packageWatts': mac.sources['power.packageWatts'] },
      absent: { 'power.systemWatts': 'no whole-machine power meter on this machine' },
    },
    NOW,
  );
  assert.equal(
    `${socOnly.label} ${socOnly.watts} \u00b7 ${socOnly.secondary}`,
    'SoC 3.2 W \u00b7 system unknown',
  );
  assert.equal(socOnly.secondaryTitle, 'no whole-machine power meter on this machine');
});

test('the services card says which measured total the estimates split, and the rest of it', () => {
  const sample = syntheticSample(NOW, 5000, data);
  const services = sample.services.reduce((s, x) => s + (x.estimatedWatts ?? 0), 0);
  const line = attributionLine(sample);
  assert.ok(line.startsWith(`\u2248 W split system power ${sample.power.systemWatts!.toFixed(1)} W`), line);
  assert.match(line, new RegExp(`services ${services.toFixed(1)} W \\+ rest`));
  const pkg = attributionLine({
    ...sample,
    power: { ...sample.power, systemWatts: null },
    attribution: { basis: 'package', restWatts: 1 },
  });
  assert.match(pkg, /^\u2248 W split package power/);
  assert.equal(attributionLine(null), '');
});
