import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { MONITOR_API_METHODS, type MonitorApi, type MonitorSubscriber } from '../main/contract/api.js';
import { IPC_EVENTS, ipcChannel } from '../main/contract/ipc.js';

// The preload exposes exactly the MonitorApi contract, derived from its method allow-list.
const api = Object.fromEntries(
  MONITOR_API_METHODS.map((method) => [
    method,
    (...args: unknown[]) => ipcRenderer.invoke(ipcChannel(method), ...args),
  ]),
) as Omit<MonitorApi, 'subscribe'>;

function subscribe(subscriber: MonitorSubscriber): () => void {
  const onSample = (_event: IpcRendererEvent, sample: unknown) =>
    subscriber.onSample?.(sample as Parameters<NonNullable<MonitorSubscriber['onSample']>>[0]);
  const onAlert = (_event: IpcRendererEvent, alert: unknown) =>
    subscriber.onAlert?.(alert as Parameters<NonNullable<MonitorSubscriber['onAlert']>>[0]);
  const onFocusService = (_event: IpcRendererEvent, serviceId: unknown) => {
    if (typeof serviceId === 'string') subscriber.onFocusService?.(serviceId);
  };
  ipcRenderer.on(IPC_EVENTS.sample, onSample);
  ipcRenderer.on(IPC_EVENTS.alert, onAlert);
  ipcRenderer.on(IPC_EVENTS.focusService, onFocusService);
  subscriber.onConnection?.({ connected: true });
  return () => {
    ipcRenderer.removeListener(IPC_EVENTS.sample, onSample);
    ipcRenderer.removeListener(IPC_EVENTS.alert, onAlert);
    ipcRenderer.removeListener(IPC_EVENTS.focusService, onFocusService);
  };
}

contextBridge.exposeInMainWorld('idlewatt', { ...api, subscribe } satisfies MonitorApi);
