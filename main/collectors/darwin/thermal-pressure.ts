import {
  OS_THERMAL_LEVELS,
  pressureOfOsLevel,
  THERMAL_PRESSURES,
  type OsThermalLevel,
  type ThermalPressure,
} from '../../contract/index.js';

/**
 * powermetrics prints either scale: the OS's five levels (Nominal, Moderate, Heavy, Trapping,
 * Sleeping) or ProcessInfo.thermalState's four (Nominal, Fair, Serious, Critical). The five map the
 * way macOS maps them to thermalState (moderate/heavy → fair, trapping → serious, sleeping →
 * critical); the four are already on the UI's scale.
 */
export function thermalPressureFrom(name: string): ThermalPressure | null {
  const key = name.trim().toLowerCase();
  const level = osThermalLevelFrom(key);
  if (level) return pressureOfOsLevel(level);
  return (THERMAL_PRESSURES as readonly string[]).includes(key) ? (key as ThermalPressure) : null;
}

/** The raw five-level value where the name is one of them ('nominal' is on both scales). */
export function osThermalLevelFrom(name: string): OsThermalLevel | null {
  const key = name.trim().toLowerCase();
  return (OS_THERMAL_LEVELS as readonly string[]).includes(key) ? (key as OsThermalLevel) : null;
}
