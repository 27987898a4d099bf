export interface AttributionInput {
  /** CPU % per service id (null when unknown this tick). */
  serviceCpuPercent: ReadonlyMap<string, number | null>;
  /** CPU % of every process on the machine (the denominator of the shares). */
  totalCpuPercent: number;
  /** GPU ms per second per service id, where the source measures it (powermetrics tasks). */
  serviceGpuMsPerSecond?: ReadonlyMap<string, number>;
  totalGpuMsPerSecond?: number;
  cpuWatts: number | null;
  gpuWatts: number | null;
  /** The measured whole figure the estimates must reconcile with. */
  totalWatts: number | null;
}

export interface Attribution {
  estimatedWatts: Map<string, number | null>;
  /** totalWatts − Σ services: "rest of system". null without a measured total. */
  remainderWatts: number | null;
}

/**
 * Per-service estimated watts = share of CPU time × CPU watts, plus share of GPU time × GPU watts
 * where GPU time per process is measured. The estimates never exceed the measured total: if the
 * CPU basis is the whole-system figure, the shares of it still sum to at most that figure.
 */
export function attributePower(input: AttributionInput): Attribution {
  const estimatedWatts = new Map<string, number | null>();
  const cpuBasis = input.cpuWatts ?? input.totalWatts;
  if (cpuBasis === null) {
    for (const id of input.serviceCpuPercent.keys()) estimatedWatts.set(id, null);
    return { estimatedWatts, remainderWatts: null };
  }
  let sum = 0;
  for (const [id, cpu] of input.serviceCpuPercent) {
    if (cpu === null) {
      estimatedWatts.set(id, null);
      continue;
    }
    const cpuShare = input.totalCpuPercent > 0 ? Math.min(1, cpu / input.totalCpuPercent) : 0;
    let watts = cpuShare * cpuBasis;
    const gpuMs = input.serviceGpuMsPerSecond?.get(id);
    if (gpuMs !== undefined && input.gpuWatts !== null && (input.totalGpuMsPerSecond ?? 0) > 0) {
      watts += Math.min(1, gpuMs / input.totalGpuMsPerSecond!) * input.gpuWatts;
    }
    estimatedWatts.set(id, watts);
    sum += watts;
  }
  const total = input.totalWatts;
  if (total !== null && sum > total && sum > 0) {
    // Shares of CPU and GPU watts can exceed a total measured by another source; scale to reconcile.
    const scale = total / sum;
    for (const [id, w] of estimatedWatts) if (w !== null) estimatedWatts.set(id, w * scale);
    sum = total;
  }
  return { estimatedWatts, remainderWatts: total === null ? null : total - sum };
}
