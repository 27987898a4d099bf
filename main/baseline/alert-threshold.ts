import type { BaselineEntry, Settings } from '../contract/index.js';

/**
 * The settings the alert engine sees for one sample: with `alerts.idlePowerAboveBaselineWatts` set
 * and a baseline known for the sample's power source and AC/battery state, the idle-power rule warns
 * at baseline + margin (critical never below that); otherwise the fixed levels apply unchanged.
 */
export function withBaselineThreshold(settings: Settings, baseline: BaselineEntry | null): Settings {
  const margin = settings.alerts.idlePowerAboveBaselineWatts;
  if (margin === null || baseline === null) return settings;
  // The rule watches package or system watts (its basis); the baseline of that same figure applies,
  // the other one where the baseline lacks it, as the rule itself falls back.
  const prefersPackage = settings.alerts.idlePower.basis === 'package';
  const base = prefersPackage
    ? (baseline.packageWatts ?? baseline.systemWatts)
    : (baseline.systemWatts ?? baseline.packageWatts);
  if (base === null) return settings;
  const warning = base + margin;
  const idlePower = {
    ...settings.alerts.idlePower,
    warning,
    critical: Math.max(settings.alerts.idlePower.critical, warning),
  };
  return { ...settings, alerts: { ...settings.alerts, idlePower } };
}
