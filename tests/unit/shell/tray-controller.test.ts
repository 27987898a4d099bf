import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { THERMAL_PRESSURES } from '../../../main/contract/index.js';
import {
  createTrayController,
  formatTrayWatts,
  trayHeadline,
  type TrayMenuItem,
  type TrayState,
} from '../../../main/shell/tray-controller.js';
import { trayIconPath } from '../../../main/shell/tray-icons.js';
import { REPO_ROOT } from '../../helpers.js';
import { makeService } from '../../sample-factory.js';
import { CallLog, FakeEmitter, makeSample } from './fakes.js';

type FakeImage = { icon: TrayState };
type FakeMenu = { items: TrayMenuItem[] };

function setup(platform: NodeJS.Platform) {
  const clock = { at: new Date(2025, 0, 1, 13, 30).getTime() };
  const log = new CallLog();
  const emitter = new FakeEmitter();
  const actions = new CallLog();
  const tray = {
    setImage: (image: FakeImage) => log.record('setImage', [image.icon]),
    setTitle: (title: string, options?: unknown) => log.record('setTitle', [title, options]),
    setToolTip: (tip: string) => log.record('setToolTip', [tip]),
    setContextMenu: (menu: FakeMenu | null) => log.record('setContextMenu', [menu]),
    popUpContextMenu: (menu?: FakeMenu) => log.record('popUpContextMenu', [menu]),
    on: (event: 'right-click', listener: () => void) => emitter.on(event, listener),
  };
  const controller = createTrayController<FakeImage, FakeMenu>({
    tray,
    platform,
    iconFor: (icon) => ({ icon }),
    buildMenu: (items) => ({ items }),
    actions: {
      open: () => actions.record('open', []),
      pauseAlertsForAnHour: () => actions.record('pause', []),
      quit: () => actions.record('quit', []),
    },
    now: () => clock.at,
  });
  return { controller, log, emitter, actions, clock };
}

test('macOS: the icon follows the thermal state and the title shows the watts in monospaced digits', () => {
  const { controller, log } = setup('darwin');
  assert.deepEqual(log.named('setImage'), [['unknown']], 'before the first sample');
  controller.update(makeSample({ pressure: 'fair', systemWatts: 4.23 }));
  assert.deepEqual(log.named('setImage').at(-1), ['fair']);
  assert.deepEqual(log.named('setTitle').at(-1), ['4.2 W', { fontType: 'monospacedDigit' }]);
  const tooltip = log.named('setToolTip').at(-1)![0] as string;
  assert.match(tooltip, /System: 4\.2 W \(measured, ioreg-telemetry\)/);
  assert.match(tooltip, /package: unknown \(powermetrics needs an administrator password\)/);
  assert.match(tooltip, /Thermal: Fair/);

  controller.update(makeSample({ pressure: 'critical', systemWatts: 12.96 }));
  assert.deepEqual(log.named('setImage').at(-1), ['critical']);
  assert.deepEqual(log.named('setTitle').at(-1), ['13.0 W', { fontType: 'monospacedDigit' }]);
  assert.equal(controller.view.state, 'critical');
  assert.equal(controller.view.title, '13.0 W');

  const images = log.named('setImage').length;
  controller.update(makeSample({ pressure: 'critical', systemWatts: 12.9 }));
  assert.equal(log.named('setImage').length, images, 'an unchanged state does not reload the image');
});

test('every thermal state and unknown map to a committed icon on both platforms', () => {
  for (const platform of ['darwin', 'linux'] as const) {
    for (const state of [...THERMAL_PRESSURES, 'unknown'] as const) {
      const { controller, log } = setup(platform);
      controller.update(makeSample({ pressure: state === 'unknown' ? null : state }));
      assert.deepEqual(log.named('setImage').at(-1), [state]);
      const file = trayIconPath(join(REPO_ROOT, 'assets'), state, platform);
      assert.ok(existsSync(file), file);
      assert.ok(existsSync(file.replace(/\.png$/, '@2x.png')), `${file} has an @2x sibling`);
    }
  }
});

test("the OS thermal state fills in while samples carry no pressure; the sample's own wins", () => {
  const { controller } = setup('darwin');
  controller.setPlatformThermalState('serious');
  controller.update(makeSample({ pressure: null }));
  assert.equal(controller.view.state, 'serious');
  controller.update(makeSample({ pressure: 'nominal' }));
  assert.equal(controller.view.state, 'nominal');
  controller.setPlatformThermalState(null);
  controller.update(makeSample({ pressure: null }));
  assert.equal(controller.view.state, 'unknown');
});

test('system and SoC watts: the title shows system where measured, else the package figure with its name', () => {
  const { controller } = setup('darwin');
  const both = makeSample({ systemWatts: 9.12, packageWatts: 3.248 });
  both.power.aneWatts = 0;
  controller.update(both);
  assert.equal(controller.view.title, '9.1 W');
  assert.match(
    controller.view.tooltip,
    /System: 9\.1 W \(measured, ioreg-telemetry\)\nSoC: 3\.2 W \(measured, powermetrics\)/,
  );
  const socOnly = makeSample({ systemWatts: null, packageWatts: 3.45 });
  socOnly.power.aneWatts = 0;
  controller.update(socOnly);
  assert.equal(controller.view.title, 'SoC 3.5 W', 'a package figure never passes for the system one');
  controller.update(makeSample({ systemWatts: null, packageWatts: 3.45 }));
  assert.equal(controller.view.title, 'package 3.5 W', 'an Intel package (no ANE figure) is named package');
});

test('without power readings the title is empty and the tooltip says why', () => {
  const { controller, log } = setup('darwin');
  controller.update(makeSample({ systemWatts: 5 }));
  controller.update(makeSample({ systemWatts: null, packageWatts: null }));
  assert.deepEqual(log.named('setTitle').at(-1), ['', { fontType: 'monospacedDigit' }]);
  assert.match(
    controller.view.tooltip,
    /Power: no reading \(no whole-machine power meter on this machine; powermetrics needs an administrator password\)/,
  );
});

test('watts format: one decimal under 100 W, whole watts above, never negative', () => {
  assert.equal(formatTrayWatts(makeSample({ systemWatts: 0 })), '0.0 W');
  assert.equal(formatTrayWatts(makeSample({ systemWatts: 99.94 })), '99.9 W');
  assert.equal(formatTrayWatts(makeSample({ systemWatts: 123.4 })), '123 W');
  assert.equal(formatTrayWatts(makeSample({ systemWatts: -0.2 })), '0.0 W');
});

test('Linux: no title, and the context menu is attached with Open, Pause alerts for 1 h, Quit', () => {
  const { controller, log, actions } = setup('linux');
  controller.update(makeSample({ systemWatts: 7.77 }));
  assert.equal(log.named('setTitle').length, 0);
  const menu = log.named('setContextMenu').at(-1)![0] as FakeMenu;
  const labels = menu.items.map((item) => ('type' in item ? '---' : item.label));
  assert.deepEqual(labels, ['7.8 W', '---', 'Open IdleWatt', 'Pause alerts for 1 h', '---', 'Quit']);
  assert.equal(
    (menu.items[0] as { enabled?: boolean }).enabled,
    false,
    'the line is information, not an action',
  );
  for (const item of menu.items.slice(2)) if (!('type' in item)) item.click();
  assert.deepEqual(
    actions.calls.map(([name]) => name),
    ['open', 'pause', 'quit'],
  );
  assert.match(controller.view.tooltip, /7\.8 W/);
});

test('macOS: right-click pops up the same menu; a left click stays with the popover', () => {
  const { controller, log, emitter } = setup('darwin');
  assert.equal(log.named('setContextMenu').length, 0);
  emitter.emit('right-click');
  const menu = log.named('popUpContextMenu')[0]![0] as FakeMenu;
  assert.equal(menu.items.length, 4);
  controller.setAlertsPausedUntil(new Date(2025, 0, 1, 14, 5).getTime());
  emitter.emit('right-click');
  const paused = log.named('popUpContextMenu')[1]![0] as FakeMenu;
  assert.match((paused.items[1] as { label: string }).label, /paused until 14:05/);
  assert.match(controller.view.tooltip, /Alerts paused until 14:05/);
});

test('a pause that ran out is no longer shown: tooltip and menu drop it at the next sample', () => {
  const { controller, log, clock } = setup('linux');
  controller.setAlertsPausedUntil(new Date(2025, 0, 1, 14, 30).getTime());
  controller.update(makeSample({ systemWatts: 5 }));
  assert.match(controller.view.tooltip, /Alerts paused until 14:30/);
  clock.at = new Date(2025, 0, 1, 14, 30, 5).getTime();
  controller.update(makeSample({ systemWatts: 5 }));
  assert.doesNotMatch(controller.view.tooltip, /paused/);
  const menu = log.named('setContextMenu').at(-1)![0] as FakeMenu;
  const labels = menu.items.map((item) => ('type' in item ? '---' : item.label));
  assert.ok(labels.includes('Pause alerts for 1 h'), labels.join(' | '));
});

test('an alert the OS would not show is named in the tooltip and flagged in the macOS title until seen', () => {
  const { controller } = setup('darwin');
  controller.update(makeSample({ systemWatts: 4.2 }));
  controller.setUndeliveredAlert('A service burns CPU while idle');
  assert.equal(controller.view.title, '\u26A0 4.2 W');
  assert.match(
    controller.view.tooltip,
    /Alert: A service burns CPU while idle \(open IdleWatt for details\)/,
  );
  controller.setUndeliveredAlert(null);
  assert.equal(controller.view.title, '4.2 W');
  assert.doesNotMatch(controller.view.tooltip, /Alert:/);
});

test('a monitor that could not start says why in the tooltip, and the menu still offers Quit', () => {
  const { controller, log, actions } = setup('linux');
  controller.setStartError('cannot replay /nowhere: no such directory');
  assert.match(
    controller.view.tooltip,
    /^IdleWatt\nCould not start: cannot replay \/nowhere: no such directory/,
  );
  const menu = log.named('setContextMenu').at(-1)![0] as FakeMenu;
  const quit = menu.items.find((item) => 'label' in item && item.label === 'Quit');
  assert.ok(quit && 'click' in quit);
  quit.click();
  assert.deepEqual(actions.named('quit'), [[]]);
});

test('the tray line names the service drawing the most while the stack is idle, in the tooltip and the Linux menu', () => {
  const { controller, log, clock } = setup('linux');
  const idle = makeSample({ systemWatts: 7.2, stackIdle: true });
  idle.services = [
    makeService('vibevoice', { name: 'VibeVoice', estimatedWatts: 4.04 }),
    makeService('ollama', { estimatedWatts: 0.3 }),
  ];
  controller.update(idle);
  assert.equal(trayHeadline(idle), '7.2 W \u00b7 VibeVoice \u2248 4.0 W while idle');
  assert.equal(controller.view.tooltip.split('\n')[1], '7.2 W \u00b7 VibeVoice \u2248 4.0 W while idle');
  const menu = () => log.named('setContextMenu').at(-1)![0] as FakeMenu;
  assert.equal(
    (menu().items[0] as { label: string }).label,
    '7.2 W \u00b7 VibeVoice \u2248 4.0 W while idle',
  );

  // Watts change every tick: the menu follows at most every 15 s.
  const builds = log.named('setContextMenu').length;
  controller.update({ ...idle, power: { ...idle.power, systemWatts: 7.4 } });
  assert.equal(log.named('setContextMenu').length, builds);
  assert.match(controller.view.tooltip, /^IdleWatt\n7\.4 W/, 'the tooltip follows at once');
  clock.at += 15_000;
  controller.update({ ...idle, power: { ...idle.power, systemWatts: 7.4 } });
  assert.equal(
    (menu().items[0] as { label: string }).label,
    '7.4 W \u00b7 VibeVoice \u2248 4.0 W while idle',
  );

  const busy = { ...idle, idle: { ...idle.idle, stackIdle: false } };
  assert.equal(
    trayHeadline(busy),
    '7.2 W \u00b7 VibeVoice \u2248 4.0 W',
    'no "while idle" while the stack is active',
  );
  assert.equal(trayHeadline({ ...idle, services: [] }), '7.2 W');
  assert.equal(trayHeadline(makeSample({ systemWatts: null, packageWatts: null })), null);
});
