export type TrayState = 'nominal' | 'fair' | 'serious' | 'critical' | 'unknown';
export const TRAY_STATES: TrayState[];
export const TRAY_SIZES: number[];
export const TRAY_COLOURS: Record<TrayState, [number, number, number]>;
export const TRAY_FILL: Record<TrayState, number>;
export function drawTrayIcon(state: TrayState, px: number): Buffer;
export function trayIconFileName(state: TrayState, size: number, retina?: boolean): string;
export function trayIconSet(): [string, TrayState, number][];
export function encodePng(px: number, rgba: Buffer): Buffer;
