import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attachPowerSignals, type PowerMonitorPort } from '../../../main/shell/power-signals.js';
import type { TrayState } from '../../../main/shell/tray-controller.js';
import { FakeEmitter, fakeSignals } from './fakes.js';

function setup(platform: NodeJS.Platform, overrides: Partial<PowerMonitorPort> = {}) {
  const emitter = new FakeEmitter();
  let onBattery = false;
  const powerMonitor = Object.assign(emitter, {
    getSystemIdleTime: () => 42,
    isOnBatteryPower: () => onBattery,
    getCurrentThermalState: () => 'fair',
    ...overrides,
  }) as unknown as PowerMonitorPort & FakeEmitter;
  const signals = fakeSignals();
  const thermal: (TrayState | null)[] = [];
  const ticks: (() => void)[] = [];
  let cleared = 0;
  const detach = attachPowerSignals({
    powerMonitor,
    signals,
    platform,
    onThermalState: (state) => thermal.push(state),
    timers: { setInterval: (callback) => ticks.push(callback), clearInterval: () => void cleared++ },
  });
  return {
    emitter,
    signals,
    thermal,
    ticks,
    detach,
    setBattery: (value: boolean) => (onBattery = value),
    get cleared() {
      return cleared;
    },
  };
}

test('suspend and resume each mark exactly one gap in the sampler', () => {
  const { emitter, signals } = setup('darwin');
  emitter.emit('suspend');
  assert.deepEqual(signals.log.named('markGap'), [['system suspended']]);
  emitter.emit('resume');
  assert.deepEqual(signals.log.named('markGap'), [['system suspended'], ['system resumed']]);
});

test('macOS battery state: read at start, on resume, and on each AC/battery event', () => {
  const harness = setup('darwin');
  assert.deepEqual(harness.signals.log.named('setOnBattery'), [[false]]);
  harness.emitter.emit('on-battery');
  harness.emitter.emit('on-ac');
  harness.setBattery(true);
  harness.emitter.emit('resume');
  assert.deepEqual(harness.signals.log.named('setOnBattery'), [[false], [true], [false], [true]]);
});

test('Linux battery state is polled, not taken from on-ac/on-battery (which only some systems send)', () => {
  const harness = setup('linux');
  assert.equal(harness.emitter.count('on-ac'), 0);
  assert.equal(harness.emitter.count('on-battery'), 0);
  harness.setBattery(true);
  harness.ticks[0]!();
  harness.setBattery(false);
  harness.ticks[0]!();
  assert.deepEqual(harness.signals.log.named('setOnBattery'), [[false], [true], [false]]);
});

test('user idle time is read at start and on every poll; a failing read becomes null', () => {
  let idle = 5;
  const harness = setup('linux', {
    getSystemIdleTime: () => {
      if (idle < 0) throw new Error('no X server');
      return idle;
    },
  });
  idle = 65;
  harness.ticks[0]!();
  idle = -1;
  harness.ticks[0]!();
  assert.deepEqual(harness.signals.log.named('setUserIdleSeconds'), [[5], [65], [null]]);
});

test('macOS thermal state is reported at start and on change; Linux never listens for it', () => {
  const mac = setup('darwin');
  mac.emitter.emit('thermal-state-change', { state: 'serious' });
  mac.emitter.emit('thermal-state-change', { state: 'unknown' });
  assert.deepEqual(mac.thermal, ['fair', 'serious', null]);
  assert.deepEqual(
    mac.signals.log.named('setThermalPressure'),
    [['fair'], ['serious'], [null]],
    'and into the samples',
  );
  const linux = setup('linux');
  assert.deepEqual(linux.signals.log.named('setThermalPressure'), []);
  assert.equal(linux.emitter.count('thermal-state-change'), 0);
  assert.deepEqual(linux.thermal, []);
});

test('detach removes every listener and stops polling', () => {
  const harness = setup('darwin');
  harness.detach();
  for (const event of ['suspend', 'resume', 'on-ac', 'on-battery', 'thermal-state-change']) {
    assert.equal(harness.emitter.count(event), 0, event);
  }
  assert.equal(harness.cleared, 1);
  harness.emitter.emit('suspend');
  assert.equal(harness.signals.log.named('markGap').length, 0);
});
