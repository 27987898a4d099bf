import type { CollectorDefinition } from '../types.js';
import { HWMON_COLLECTOR } from './hwmon.js';
import { NVIDIA_SMI_COLLECTOR } from './nvidia-smi.js';
import { POWER_SUPPLY_COLLECTOR } from './power-supply.js';
import { PROCFS_COLLECTOR } from './procfs.js';
import { RAPL_COLLECTOR } from './rapl.js';
import { SOCKETS_COLLECTOR } from './sockets.js';
import { THERMAL_ZONE_COLLECTOR } from './thermal-zone.js';
import { USER_IDLE_COLLECTOR } from './user-idle.js';

/** The linux rows of the collector registry. */
export const LINUX_COLLECTORS: CollectorDefinition[] = [
  RAPL_COLLECTOR,
  HWMON_COLLECTOR,
  THERMAL_ZONE_COLLECTOR,
  POWER_SUPPLY_COLLECTOR,
  PROCFS_COLLECTOR,
  SOCKETS_COLLECTOR,
  USER_IDLE_COLLECTOR,
  NVIDIA_SMI_COLLECTOR,
];
