/** One downsampled point of the power/thermal history. min/max keep spikes visible. */
export interface HistoryPoint {
  at: number;
  systemWatts: number | null;
  systemWattsMin: number | null;
  systemWattsMax: number | null;
  cpuWatts: number | null;
  gpuWatts: number | null;
  /** Apple Neural Engine watts (powermetrics); from raw samples only, absent from per-minute rollups. */
  aneWatts?: number | null;
  packageWatts: number | null;
  cpuTempCelsius: number | null;
  /** 0 nominal … 3 critical; null when unknown. */
  thermalLevel: number | null;
  stackIdle: boolean;
  /** Ids of services with a request in this bucket. */
  activeServices: string[];
  /** Ids of services with a model inference (Ollama) in this bucket; absent reads as none. */
  inferenceServices?: string[];
  gap: boolean;
}

export interface ServicePoint {
  at: number;
  cpuPercent: number | null;
  rssBytes: number | null;
  estimatedWatts: number | null;
}

export interface HistoryQuery {
  from: number;
  to: number;
  /** Maximum number of points returned. */
  points: number;
}

export interface ServiceHistoryQuery extends HistoryQuery {
  serviceId: string;
}
