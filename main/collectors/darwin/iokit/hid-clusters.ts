import { isPlausibleTemperature } from './smc-keys.js';

/**
 * Apple silicon's IOHID temperature services, by product name prefix (exelban/stats
 * `Modules/Sensors/values.swift` `HIDSensorsList`; vladkens/macmon `src_lib/metrics.rs`
 * `get_temp_hid`, which averages the pACC and eACC sensors into the CPU figure and the GPU sensors
 * into the GPU figure).
 */
const HID_CLUSTERS = [
  { prefix: 'pACC MTR Temp Sensor', id: 'cpu-performance', label: 'CPU performance cores', cpu: true },
  { prefix: 'eACC MTR Temp Sensor', id: 'cpu-efficiency', label: 'CPU efficiency cores', cpu: true },
  { prefix: 'GPU MTR Temp Sensor', id: 'gpu', label: 'GPU', cpu: false },
  { prefix: 'SOC MTR Temp Sensor', id: 'soc', label: 'SoC', cpu: false },
  { prefix: 'ANE MTR Temp Sensor', id: 'ane', label: 'Neural Engine', cpu: false },
] as const;

export interface HidTemperature {
  name: string;
  celsius: number;
}

export interface ClusterTemperature {
  id: string;
  label: string;
  celsius: number;
  sensors: number;
}

export interface HidSummary {
  cpuCelsius: number | null;
  gpuCelsius: number | null;
  clusters: ClusterTemperature[];
  /** Sensors dropped as implausible (≤ 0 or > 150 °C). */
  rejected: number;
}

const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

export function summariseHidTemperatures(readings: readonly HidTemperature[]): HidSummary {
  const byCluster = new Map<string, number[]>();
  const cpu: number[] = [];
  let rejected = 0;
  for (const r of readings) {
    const cluster = HID_CLUSTERS.find((c) => r.name.startsWith(c.prefix));
    if (!cluster) continue;
    if (!isPlausibleTemperature(r.celsius)) {
      rejected++;
      continue;
    }
    byCluster.set(cluster.id, [...(byCluster.get(cluster.id) ?? []), r.celsius]);
    if (cluster.cpu) cpu.push(r.celsius);
  }
  const clusters = HID_CLUSTERS.filter((c) => byCluster.has(c.id)).map((c) => {
    const values = byCluster.get(c.id)!;
    return { id: c.id, label: c.label, celsius: mean(values), sensors: values.length };
  });
  const gpu = byCluster.get('gpu');
  return {
    cpuCelsius: cpu.length > 0 ? mean(cpu) : null,
    gpuCelsius: gpu ? mean(gpu) : null,
    clusters,
    rejected,
  };
}
