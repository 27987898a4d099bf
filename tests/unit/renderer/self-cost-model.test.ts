import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selfCostLine } from '../../../renderer/model/self-cost-model.js';
import { makeSample } from '../api/fake-monitor-api.js';

test("the footer line shows IdleWatt's measured CPU and memory", () => {
  const line = selfCostLine(makeSample({ self: { cpuPercent: 0.2, rssBytes: 80 * 1024 * 1024 } }));
  assert.equal(line?.text, 'IdleWatt itself: 0.2 % CPU \u00b7 80 MB');
  assert.match(line!.title, /Measured from IdleWatt's own process/);
});

test('unknown CPU shows as unknown, never 0; no sample hides the line; an unmeasured sample says so', () => {
  const first = selfCostLine(makeSample({ self: { cpuPercent: null, rssBytes: 1.5 * 1024 ** 3 } }));
  assert.equal(first?.text, 'IdleWatt itself: \u2014 CPU \u00b7 1.5 GB');
  assert.match(first!.title, /second sample/);
  assert.equal(selfCostLine(null), null);
  assert.equal(selfCostLine(makeSample({ self: null }))?.text, 'IdleWatt itself: not measured');
});

test('macOS: the powermetrics IdleWatt started is listed apart, or says it is not running and why', () => {
  const own = { cpuPercent: 0.2, rssBytes: 80 * 1024 * 1024 };
  const measured = selfCostLine(
    makeSample({
      self: { ...own, powermetrics: { pid: 813, cpuPercent: 1.1, rssBytes: 14 * 1024 * 1024, absent: null } },
    }),
  );
  assert.equal(
    measured?.text,
    'IdleWatt itself: 0.2 % CPU \u00b7 80 MB \u00b7 powermetrics: 1.1 % CPU \u00b7 14 MB',
  );
  assert.match(measured!.title, /powermetrics \(root, pid 813, started by IdleWatt\) is listed apart/);
  const absent = selfCostLine(
    makeSample({
      self: {
        ...own,
        powermetrics: { pid: null, cpuPercent: null, rssBytes: null, absent: 'waiting for permission' },
      },
    }),
  );
  assert.equal(absent?.text, 'IdleWatt itself: 0.2 % CPU \u00b7 80 MB \u00b7 powermetrics: not running');
  assert.match(absent!.title, /waiting for permission/);
});
