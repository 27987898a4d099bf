import { startFakeBackend } from './fake-backend.js';
import { definePopoverSuite } from './popover-suite.js';

// On first run the stream's first sample comes after 4 s, leaving the empty state on screen long enough to check.
definePopoverSuite('fake backend', (scenario) =>
  startFakeBackend({ scenario, tickMs: scenario === 'first-run' ? 4000 : 1000 }),
);
