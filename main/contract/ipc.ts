import type { MonitorApiMethod } from './api.js';

/** IPC channel names, derived from the MonitorApi method names (VS Code-style allow-list). */
export const ipcChannel = (method: MonitorApiMethod): string => `idlewatt:${method}`;

export const IPC_EVENTS = {
  sample: 'idlewatt:event:sample',
  alert: 'idlewatt:event:alert',
  /** Main asks the renderer to focus a service (notification click). */
  focusService: 'idlewatt:event:focus-service',
} as const;
