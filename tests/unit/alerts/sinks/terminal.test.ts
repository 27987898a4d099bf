import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTerminalSink, formatAlertLine } from '../../../../main/alerts/sinks/terminal.js';
import type { AlertEvent } from '../../../../main/contract/alerts.js';
import { FIRED } from './events.js';

test('each event prints as one line: time, kind, severity, rule, service, title, message', () => {
  assert.equal(
    formatAlertLine(FIRED),
    '2025-05-01T10:05:00.000Z alert fired warning idle-power vibevoice | Idle power above 5.0 W | ' +
      'Idle power 7.8 W for 5 min — vibevoice ≈ 4.1 W, model loaded, no requests for 2 h',
  );
  const snoozed: AlertEvent = { ...FIRED, kind: 'snoozed', severity: null, serviceId: null };
  assert.match(formatAlertLine(snoozed), /^\S+ alert snoozed - idle-power - \| /);
});

test('newlines and control characters in texts cannot break the one-line format', () => {
  const hostile: AlertEvent = {
    ...FIRED,
    at: Number.NaN,
    serviceId: 'a b\nc',
    title: 'line one\nline two',
    message: 'x\r\ny\u001b[31m',
  };
  const line = formatAlertLine(hostile);
  assert.ok(!/[\r\n]/.test(line) && !line.includes('\u001b'), 'no line breaks or escape codes');
  assert.match(line, /^invalid-time alert fired warning idle-power a_b_c \| line one line two \| x y \[31m$/);
});

test('the terminal sink writes one line per event and survives a failing writer', () => {
  const lines: string[] = [];
  createTerminalSink((line) => lines.push(line))(FIRED);
  assert.deepEqual(lines, [formatAlertLine(FIRED)]);
  const broken = createTerminalSink(() => {
    throw new Error('EPIPE');
  });
  assert.doesNotThrow(() => broken(FIRED));
});
