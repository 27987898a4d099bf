import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAmount } from '../../../main/contract/format.js';
import type { Report } from '../../../main/contract/report.js';
import type { Sample } from '../../../main/contract/sample.js';
import { batterySeconds, idleWasteLine, topIdleService } from '../../../renderer/model/waste-model.js';
import { syntheticReport, syntheticSample, type SyntheticOptions } from '../../e2e/synthetic-data.js';

const NOW = new Date(2024, 4, 6, 15, 10).getTime();
const data: SyntheticOptions = {
  dataStart: NOW - 86_400_000,
  withPower: true,
  failingCollector: null,
  services: true,
};

function report(over: Partial<Report> = {}): Report {
  return {
    ...syntheticReport({ from: NOW - 8 * 3600_000, to: NOW }, data, []),
    systemIdleWattHours: 14,
    meanSystemWatts: 12,
    powerSource: 'ioreg-telemetry',
    ...over,
  };
}

function onBattery(fullChargeWattHours: number | null, onAc = false): Sample {
  const sample = syntheticSample(NOW, 5000, data);
  return { ...sample, battery: { ...sample.battery!, onAc, fullChargeWattHours } };
}

test('battery time is the energy over the mean draw; no draw, no time', () => {
  assert.equal(batterySeconds(14, 12), 4200);
  assert.equal(batterySeconds(14, null), null);
  assert.equal(batterySeconds(14, 0), null);
});

test('on battery: Wh, battery time, and the top service; the tooltip gives the share of a full charge', () => {
  const today = report();
  const line = idleWasteLine({ today, latest: onBattery(70), energy: null });
  assert.ok(line);
  const top = topIdleService(today)!;
  assert.ok(top.wattHours > 0);
  assert.match(line.text, /^Idle waste today: 14 Wh \u2248 70 min of battery \u00b7 /);
  assert.ok(line.text.endsWith(`${top.name} \u2248 ${formatAmount(top.wattHours, 'Wh')}`), line.text);
  assert.match(line.title, /20 % of a full charge \(70 Wh\)/);
  assert.match(line.title, /mean draw of 12\.0 W/);
});

test('on AC: Wh, and money only where a price is set', () => {
  const today = report();
  const plain = idleWasteLine({
    today,
    latest: onBattery(70, true),
    energy: { pricePerKwh: null, currency: 'EUR' },
  });
  assert.ok(plain && !/battery/.test(plain.text) && !/\u20ac/.test(plain.text), plain?.text);
  const priced = idleWasteLine({
    today,
    latest: onBattery(70, true),
    energy: { pricePerKwh: 0.5, currency: 'EUR' },
  });
  assert.ok(priced);
  // 14 Wh = 0.014 kWh × 0.50 = 0.007.
  assert.match(priced.text, /\u2248 \u20ac0\.007\b|\u2248 0\.007\s?\u20ac/);
  assert.match(priced.title, /per kWh/);
});

test('unknown stays unknown: no power source, no full charge, no report', () => {
  assert.equal(idleWasteLine({ today: null, latest: null, energy: null }), null);
  const none = idleWasteLine({
    today: report({ powerSource: null, systemIdleWattHours: null }),
    latest: null,
    energy: null,
  });
  assert.equal(none?.text, 'Idle waste today: unknown');
  const noCapacity = idleWasteLine({ today: report(), latest: onBattery(null), energy: null });
  assert.match(noCapacity!.text, /battery time unknown/);
  assert.doesNotMatch(noCapacity!.text, /0 s/);
  const noServices = idleWasteLine({
    today: report({ services: [] }),
    latest: onBattery(70, true),
    energy: null,
  });
  assert.equal(noServices?.text, 'Idle waste today: 14 Wh');
});
