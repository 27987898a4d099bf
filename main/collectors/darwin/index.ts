import type { CollectorDefinition } from '../types.js';
import { createHidIdleCollector } from './hid-idle.js';
import { createIokitCollector } from './iokit/collector.js';
import { iokitOpenerFor } from './iokit/open.js';
import { createIoregBatteryCollector } from './ioreg-battery.js';
import { notifyOpenerFor } from './notify/open.js';
import { createPmsetThermCollector } from './pmset-therm.js';
import { createPowermetricsCollector } from './powermetrics.js';
import { createDarwinProcessCollector } from './processes.js';
import { createNettopCollector } from './nettop.js';
import { createDarwinSocketCollector } from './sockets.js';
import { createThermalNotifyCollector } from './thermal-notify.js';

const darwin: readonly NodeJS.Platform[] = ['darwin'];

/** The darwin rows of the collector registry. */
export const DARWIN_COLLECTORS: CollectorDefinition[] = [
  {
    id: 'darwin-powermetrics',
    platforms: darwin,
    tier: 'fast',
    provides: ['power', 'thermal', 'tasks', 'powermetricsHelper'],
    defaultEnabled: true,
    description:
      'CPU/GPU/ANE/package watts, thermal pressure and per-task CPU/GPU time from powermetrics (asks for administrator permission once)',
    create: (env) => createPowermetricsCollector(env),
  },
  {
    id: 'darwin-battery',
    platforms: darwin,
    tier: 'fast',
    provides: ['battery', 'power'],
    defaultEnabled: true,
    description:
      'Battery charge, state and watts, and whole-system watts (PowerTelemetryData) from the IORegistry through IOKit (else ioreg), no root',
    create: createIoregBatteryCollector,
  },
  {
    id: 'darwin-pmset-therm',
    platforms: darwin,
    tier: 'fast',
    provides: ['thermal'],
    defaultEnabled: true,
    description:
      'Thermal pressure and CPU speed limit from pmset -g therm (used while powermetrics is unavailable)',
    create: createPmsetThermCollector,
  },
  {
    id: 'darwin-processes',
    platforms: darwin,
    tier: 'fast',
    provides: ['processes'],
    defaultEnabled: true,
    description:
      'Per-process CPU time, memory and threads from libproc (no spawn), with ps on the slow tier for every user’s processes; open files for service pids on the slow tier',
    create: createDarwinProcessCollector,
  },
  {
    id: 'darwin-sockets',
    platforms: darwin,
    tier: 'fast',
    provides: ['sockets'],
    defaultEnabled: true,
    description:
      'Listening ports and connections with pids and byte counters from the kernel TCP table (pcblist_n, no spawn); else netstat every tick and lsof owners on the slow tier',
    create: createDarwinSocketCollector,
  },
  {
    id: 'darwin-nettop',
    platforms: darwin,
    tier: 'fast',
    provides: ['processTraffic'],
    defaultEnabled: true,
    description:
      'Network bytes in and out per process from nettop -P (no root), for services’ traffic, where the kernel TCP table cannot count them',
    create: createNettopCollector,
  },
  {
    // After the command collectors: a recording files its readings under the tick their commands open.
    id: 'darwin-thermal-notify',
    platforms: darwin,
    tier: 'fast',
    provides: ['thermal'],
    defaultEnabled: true,
    description:
      "macOS's thermal pressure level (nominal, moderate, heavy, trapping, sleeping) from the notify key com.apple.system.thermalpressurelevel, no root",
    create: (env) => createThermalNotifyCollector(env, { open: notifyOpenerFor(env) }),
  },
  {
    id: 'darwin-iokit',
    platforms: darwin,
    tier: 'fast',
    provides: ['power', 'thermal'],
    defaultEnabled: true,
    description:
      'Whole-machine watts (SMC PSTR), fan speeds and CPU/GPU die temperatures (SMC, IOHID) through IOKit, no root',
    create: (env) => createIokitCollector(env, { open: iokitOpenerFor(env) }),
  },
  {
    id: 'darwin-hid-idle',
    platforms: darwin,
    tier: 'fast',
    provides: ['userIdleSeconds'],
    defaultEnabled: true,
    description:
      'Seconds since the last keyboard or mouse input (HIDIdleTime from the IORegistry, else ioreg), for the headless monitor',
    create: createHidIdleCollector,
  },
];
