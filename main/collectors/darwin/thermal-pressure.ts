import type { ThermalPressure } from '../../contract/index.js';

/**
 * macOS names its thermal pressure levels differently across releases: powermetrics says Nominal,
 * Fair, Serious, Critical on current systems and Nominal, Moderate, Heavy, Trapping, Sleeping on
 * older ones. Both map onto the four levels the UI shows.
 */
const LEVELS: Record<string, ThermalPressure> = {
  nominal: 'nominal',
  fair: 'fair',
  moderate: 'fair',
  serious: 'serious',
  heavy: 'serious',
  critical: 'critical',
  trapping: 'critical',
  sleeping: 'critical',
};

export function thermalPressureFrom(name: string): ThermalPressure | null {
  return LEVELS[name.trim().toLowerCase()] ?? null;
}
