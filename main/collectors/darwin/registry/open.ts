import type { CollectorEnv } from '../../types.js';
import { sharedOpenerFor } from '../native-port.js';
import { openKoffiRegistry } from './koffi-registry.js';
import type { RegistryOpener, RegistryOpenResult } from './ports.js';

const opened = new WeakMap<CollectorEnv, RegistryOpenResult>();

/** The IORegistry through koffi on a Mac, one reader per environment (battery, input idle time). */
export function registryOpenerFor(env: CollectorEnv): RegistryOpener {
  return sharedOpenerFor(env, opened, () => openKoffiRegistry());
}
