import type { AlertEvent } from '../../../../main/contract/alerts.js';

/** A typical fired event, as the engine words it. */
export const FIRED: AlertEvent = {
  id: 'idle-power:system:1746093900000:fired',
  at: Date.UTC(2025, 4, 1, 10, 5),
  rule: 'idle-power',
  kind: 'fired',
  severity: 'warning',
  serviceId: 'vibevoice',
  value: 7.8,
  unit: 'W',
  threshold: 5,
  durationSeconds: 300,
  title: 'Idle power above 5.0 W',
  message: 'Idle power 7.8 W for 5 min — vibevoice ≈ 4.1 W, model loaded, no requests for 2 h',
};
