import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SERVICES } from '../../../main/contract/index.js';
import { createNotifier, type NotificationRequest } from '../../../main/shell/notifier.js';
import { FakeEmitter, makeAlert } from './fakes.js';

function setup(options: { notifications?: boolean; supported?: boolean } = {}) {
  const shown: { request: NotificationRequest; emitter: FakeEmitter; shows: number }[] = [];
  const opened: (string | null)[] = [];
  const failed: [string, string, string][] = [];
  const notifier = createNotifier({
    createNotification: (request) => {
      const entry = { request, emitter: new FakeEmitter(), shows: 0 };
      shown.push(entry);
      return {
        show: () => void entry.shows++,
        on: (event, listener) => entry.emitter.on(event, listener),
      };
    },
    isSupported: () => options.supported ?? true,
    settings: () => ({ notifications: options.notifications ?? true, services: DEFAULT_SERVICES }),
    openPopoverOn: (serviceId) => opened.push(serviceId),
    onFailed: (event, request, error) => failed.push([event.id, request.title, error]),
  });
  return { notifier, shown, opened, failed };
}

test('an alert event becomes exactly one notification naming the culprit, and its click opens the popover there', () => {
  const { notifier, shown, opened } = setup();
  assert.equal(notifier.handle(makeAlert()), true);
  assert.equal(shown.length, 1);
  assert.equal(shown[0]!.shows, 1);
  assert.deepEqual(shown[0]!.request, {
    title: 'A service burns CPU while idle',
    body: 'CPU at 45 % for 2 min with no requests. Likely culprit: VibeVoice TTS.',
    urgency: 'normal',
    timeoutType: 'default',
    silent: true,
  });
  assert.equal(notifier.handle(makeAlert()), false, 'the same event delivered twice');
  assert.equal(shown.length, 1);

  assert.deepEqual(opened, []);
  shown[0]!.emitter.emit('click');
  assert.deepEqual(opened, ['vibevoice']);
});

test('a critical alert is urgent and stays on screen; a message that names the service is kept as is', () => {
  const { notifier, shown } = setup();
  notifier.handle(
    makeAlert({
      id: 'evt-2',
      kind: 'escalated',
      severity: 'critical',
      serviceId: 'ollama',
      message: 'Ollama kept 9 GB loaded for 2 h.',
    }),
  );
  assert.equal(shown[0]!.request.urgency, 'critical');
  assert.equal(shown[0]!.request.timeoutType, 'never');
  assert.equal(shown[0]!.request.silent, false);
  assert.equal(shown[0]!.request.body, 'Ollama kept 9 GB loaded for 2 h.');
});

test('cleared, de-escalated and snoozed events show nothing', () => {
  const { notifier, shown } = setup();
  for (const kind of ['cleared', 'deescalated', 'snoozed'] as const) {
    assert.equal(notifier.handle(makeAlert({ id: kind, kind })), false);
  }
  assert.equal(shown.length, 0);
});

test('the notification setting and unsupported platforms are respected', () => {
  const off = setup({ notifications: false });
  assert.equal(off.notifier.handle(makeAlert()), false);
  assert.equal(off.shown.length, 0);
  const unsupported = setup({ supported: false });
  assert.equal(unsupported.notifier.handle(makeAlert()), false);
});

test('a system-wide alert with no culprit is shown as the rule wrote it', () => {
  const { notifier, shown } = setup();
  assert.equal(notifier.handle(makeAlert({ id: 'c', rule: 'idle-power', serviceId: null })), true);
  assert.equal(shown[0]!.request.body, 'CPU at 45 % for 2 min with no requests.', 'no culprit to name');
});

test("a notification the OS refuses ('failed', e.g. an unsigned macOS app) is handed to the fallback", () => {
  const { notifier, shown, failed } = setup();
  assert.equal(notifier.handle(makeAlert({ id: 'evt-9' })), true);
  shown[0]!.emitter.emit('failed', {}, 'Notifications are not allowed for this application');
  assert.deepEqual(failed, [
    ['evt-9', 'A service burns CPU while idle', 'Notifications are not allowed for this application'],
  ]);
});
