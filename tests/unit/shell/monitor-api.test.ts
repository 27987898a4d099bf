import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MonitorApi, SnoozeRequest, SnoozeState } from '../../../main/contract/index.js';
import { delegateMonitorApi } from '../../../main/shell/monitor-api.js';

test('a delegating MonitorApi passes calls through to a class instance, and a method can be replaced', async () => {
  class Api {
    calls = 0;
    async snoozeAlerts(request: SnoozeRequest): Promise<SnoozeState> {
      this.calls++;
      return { snoozedUntil: { [request.rule]: 3_600_000 } };
    }
    async getSettings() {
      this.calls++;
      return 'settings';
    }
    subscribe() {
      return () => {};
    }
  }
  const api = new Api();
  const wrapped: MonitorApi = {
    ...delegateMonitorApi(api as unknown as MonitorApi),
    getStatus: async () => {
      throw new Error('replaced');
    },
  };
  const result = await wrapped.snoozeAlerts({ rule: 'all', until: { minutes: 60 } });
  assert.deepEqual(result, { snoozedUntil: { all: 3_600_000 } });
  assert.equal(await wrapped.getSettings(), 'settings');
  assert.equal(api.calls, 2);
  await assert.rejects(wrapped.getStatus(), /replaced/);
});
