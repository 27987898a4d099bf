import type { AlertEvent } from '../../contract/alerts.js';
import { oneLine } from '../one-line.js';

function isoTime(at: number): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? 'invalid-time' : date.toISOString();
}

/**
 * One greppable line per event, fields before the text:
 * `2025-05-01T10:05:00.000Z alert fired warning idle-power vibevoice | Idle power above 5.0 W | Idle power 7.8 W …`
 */
export function formatAlertLine(event: AlertEvent): string {
  const fields = [
    isoTime(event.at),
    'alert',
    event.kind,
    event.severity ?? '-',
    event.rule,
    event.serviceId ?? '-',
  ].map((field) => oneLine(String(field), 80).replace(/\s+/g, '_'));
  return `${fields.join(' ')} | ${oneLine(event.title, 200)} | ${oneLine(event.message, 500)}`;
}

/** The headless monitor's sink: prints each event as one line; a failing writer never reaches the engine. */
export function createTerminalSink(write: (line: string) => void): (event: AlertEvent) => void {
  return (event) => {
    try {
      write(formatAlertLine(event));
    } catch {
      // stdout closed (EPIPE): nothing useful left to report to.
    }
  };
}
