import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Recommendation } from '../../../main/contract/report.js';
import { presetWindows } from '../../../renderer/model/compare-windows.js';
import { keepAliveCommand, recommendationActions } from '../../../renderer/model/recommendation-actions.js';

const ollama: Recommendation = {
  serviceId: 'ollama',
  text: 'Ollama kept 1 model loaded for 2 h with no requests: 3.1 Wh; lower OLLAMA_KEEP_ALIVE or unload it.',
  wattHours: 3.1,
  action: 'unload-ollama',
};

test('an Ollama recommendation offers the unload and the keep-alive command for the platform', () => {
  assert.deepEqual(
    recommendationActions(ollama, 'darwin').map((a) => a.kind),
    ['unload-ollama', 'copy-command', 'snooze-service'],
  );
  const linux = recommendationActions(ollama, 'linux')[1];
  assert.ok(linux?.kind === 'copy-command');
  assert.match(linux.command, /ollama\.service\.d\/keep-alive\.conf/);
  assert.match(linux.command, /OLLAMA_KEEP_ALIVE=5m/);
  assert.match(linux.command, /daemon-reload && sudo systemctl restart ollama$/);
  assert.equal(
    keepAliveCommand('darwin'),
    'launchctl setenv OLLAMA_KEEP_ALIVE 5m  # then quit and reopen Ollama',
  );
  assert.equal(keepAliveCommand('other'), null);
  assert.deepEqual(
    recommendationActions(ollama, null).map((a) => a.kind),
    ['unload-ollama', 'snooze-service'],
  );
});

test("a recommendation about a service offers to snooze that service's alerts for an hour, and nothing else", () => {
  const vibe: Recommendation = { serviceId: 'vibevoice', text: 'stop it', wattHours: 1, action: null };
  assert.deepEqual(recommendationActions(vibe, 'linux', 'VibeVoice TTS'), [
    {
      kind: 'snooze-service',
      label: 'Snooze VibeVoice TTS alerts for 1 h',
      serviceId: 'vibevoice',
      minutes: 60,
    },
  ]);
  assert.equal(recommendationActions(vibe, 'linux')[0]?.label, 'Snooze vibevoice alerts for 1 h');
  assert.deepEqual(recommendationActions({ ...vibe, serviceId: null }, 'linux'), []);
});

test('after a fix: the last hour against the hour before', () => {
  const now = 10 * 3600_000;
  assert.deepEqual(presetWindows('hour-vs-previous', now), {
    before: { from: now - 2 * 3600_000, to: now - 3600_000 },
    after: { from: now - 3600_000, to: now },
  });
});
