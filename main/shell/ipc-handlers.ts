import { ipcChannel, MONITOR_API_METHODS, type MonitorApi } from '../contract/index.js';
import { checkIpcPayload } from './ipc-payloads.js';

/** What an `ipcMain.handle` listener receives about its caller. */
export interface InvokeEventLike {
  sender: unknown;
  senderFrame: { url: string } | null;
}

/** The parts of Electron's ipcMain used here (a fake in tests). */
export interface IpcMainPort {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Electron types the handler's args as any[]
  handle(channel: string, listener: (event: any, ...args: any[]) => unknown): void;
  removeHandler(channel: string): void;
}

export type SenderCheck = (event: InvokeEventLike) => { ok: true } | { ok: false; reason: string };

const withoutFragment = (url: string): string => url.replace(/[?#].*$/, '');

/**
 * Accepts only the popover: the calling web contents must belong to the popover window, and the
 * calling frame must show our own file:// index (electron/fiddle's check plus a frame URL check).
 */
export function createSenderCheck(options: {
  indexUrl: string;
  /** BrowserWindow.fromWebContents in the app. */
  windowOf(sender: unknown): unknown;
  popoverWindow(): unknown;
}): SenderCheck {
  const expected = withoutFragment(options.indexUrl);
  return (event) => {
    const popover = options.popoverWindow();
    if (!popover || options.windowOf(event.sender) !== popover) {
      return { ok: false, reason: 'it does not come from the IdleWatt popover window' };
    }
    const url = event.senderFrame?.url;
    if (!url || withoutFragment(url) !== expected) {
      return {
        ok: false,
        reason: `it comes from ${url ? `'${url}'` : 'a frame that is gone'}, not the IdleWatt page`,
      };
    }
    return { ok: true };
  };
}

/**
 * Registers one `ipcMain.handle` per MonitorApi method (the channel allow-list comes from the
 * contract), each checking the sender and the payload before calling the core's API. A refused call
 * rejects in the renderer with the reason. Returns a function that removes every handler.
 */
export function registerIpcHandlers(options: {
  ipcMain: IpcMainPort;
  api: MonitorApi;
  checkSender: SenderCheck;
  log?(line: string): void;
}): () => void {
  const { ipcMain, api } = options;
  for (const method of MONITOR_API_METHODS) {
    const channel = ipcChannel(method);
    ipcMain.handle(channel, async (event: InvokeEventLike, ...args: unknown[]) => {
      const sender = options.checkSender(event);
      if (!sender.ok) {
        options.log?.(`IdleWatt: refused ${channel}: ${sender.reason}`);
        throw new Error(`IdleWatt refused ${method}: ${sender.reason}.`);
      }
      const payload = checkIpcPayload(method, args);
      if (!payload.ok) throw new Error(`Invalid request to ${method}: ${payload.reason}.`);
      return (api[method] as (...a: unknown[]) => Promise<unknown>).apply(api, payload.args);
    });
  }
  return () => MONITOR_API_METHODS.forEach((method) => ipcMain.removeHandler(ipcChannel(method)));
}
