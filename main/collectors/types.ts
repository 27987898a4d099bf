import type {
  BatteryState,
  GpuDevice,
  OsThermalLevel,
  Reading,
  TemperatureSensor,
  ThermalPressure,
} from '../contract/index.js';

export interface CommandResult {
  stdout: string;
  stderr: string;
  /** null when the process was killed (timeout) or could not start. */
  exitCode: number | null;
  /** Set when the command could not run: 'not-found', 'timeout', 'permission' or another message. */
  failure?: 'not-found' | 'timeout' | 'permission' | string;
}

/** Runs a command without a shell. Never rejects: failures are in the result. */
export type CommandRunner = (
  file: string,
  args: readonly string[],
  options?: { timeoutMs?: number },
) => Promise<CommandResult>;

/**
 * Injected environment: roots, runner and clock are never global, so tests, fixture trees
 * (`--sys-root`, `--proc-root`) and replayed recordings stand in for the machine.
 */
export interface CollectorEnv {
  sysRoot: string;
  procRoot: string;
  exec: CommandRunner;
  now: () => number;
  /** HTTP for probes (Ollama); tests inject a fake. */
  fetch: typeof fetch;
  /**
   * Collectors that need elevated access wait for an explicit permission request instead of prompting
   * on their first tick (the app explains why before it asks).
   */
  deferElevation?: boolean;
  /**
   * 'non-interactive' never opens a password prompt (`monitor --once`): root-only sources run when
   * already root or when `sudo -n` needs no password, and are absent otherwise. Default 'prompt'.
   */
  elevation?: 'prompt' | 'non-interactive';
  /** The power tick in ms: sources that sample on their own clock (powermetrics -i) follow it. */
  powerIntervalMs?: number;
}

/** What a collector can observe. Each collector fills the parts its source provides. */
export interface PowerObservation {
  /** e.g. 'powermetrics', 'rapl', 'hwmon', 'ioreg-telemetry', 'smc'. */
  source: string;
  cpuWatts?: number;
  gpuWatts?: number;
  aneWatts?: number;
  dramWatts?: number;
  /** CPU/SoC package (powermetrics combined_power, RAPL package-*). */
  packageWatts?: number;
  /**
   * Whole-machine figure, only from a source that measures the whole machine (SystemLoad, SMC PSTR,
   * an ACPI power meter). A package source never sets it, and the merge never derives it from one.
   */
  systemWatts?: number;
  /** Per zone or sensor, e.g. {'package-0': 5.2, core: 3.1}. */
  zones?: Record<string, number>;
}

export interface ThermalObservation {
  source: string;
  pressure?: ThermalPressure;
  /** macOS's raw five-level value, where the source gives it. */
  osLevel?: OsThermalLevel;
  cpuTempCelsius?: number;
  gpuTempCelsius?: number;
  fanRpm?: number[];
  sensors?: TemperatureSensor[];
  throttled?: boolean;
  /** Per-figure sources where they differ from `source` (e.g. fans from the SMC, temperatures from IOHID). */
  sources?: Partial<Record<'cpuTempCelsius' | 'gpuTempCelsius' | 'fanRpm' | 'sensors', string>>;
}

export interface BatteryObservation {
  source: string;
  percent?: number;
  state?: BatteryState;
  onAc?: boolean;
  /** Positive while discharging. */
  dischargeWatts?: number;
  /** What a full charge holds now, in Wh (BatteryFigures.fullChargeWattHours). */
  fullChargeWattHours?: number;
  cycleCount?: number;
  temperatureCelsius?: number;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  name: string;
  /** Full command line where known ('' when unreadable). */
  command: string;
  /** utime + stime, cumulative. */
  cpuSeconds: number;
  rssBytes: number | null;
  threads: number | null;
  /** null when unreadable (permission) or not collected on this tier. */
  openFiles: number | null;
  /** Identifies this incarnation of the pid (start time in clock ticks, or lstart text): pid reuse shows as a change. */
  startKey: string;
  /** Process group and session ids where the source reports them (they find a service's launchers). */
  pgid?: number;
  sid?: number;
  /**
   * True when this tick did not re-read the process: a fast tick reads only the services' processes
   * and pids not seen before, and the rest stand in with their figures from their last read.
   */
  stale?: boolean;
}

export interface ListeningSocket {
  port: number;
  pid: number | null;
}

export type TcpState =
  | 'ESTABLISHED'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'TIME_WAIT'
  | 'CLOSE'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'LISTEN'
  | 'CLOSING'
  | 'UNKNOWN';

export interface Connection {
  /** Where the source prints it; pairs the two loopback ends of one connection. */
  localAddress?: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: TcpState;
  /** Owning pid where known (TIME_WAIT sockets have none). */
  pid: number | null;
  /** Payload bytes received since the socket opened (tcp_info), where the source reports them. */
  bytesReceived?: number;
  /** Payload bytes sent and acknowledged since the socket opened (tcp_info). */
  bytesSent?: number;
  /** The socket closed while its owner was being looked up: pid is null because nobody holds it any more. */
  ownerGone?: true;
}

export interface SocketObservation {
  listening: ListeningSocket[];
  /**
   * Connections touching a service port: server ends (local port is a service port) and client
   * ends (remote port is one). On a slow tick, or with no services configured, every connection.
   */
  connections: Connection[];
  /** Which reader produced it, e.g. 'sock-diag', 'ss', 'proc-net-tcp', 'pcblist', 'netstat'. */
  source?: string;
}

/** Per-process rates straight from a source that measures them (powermetrics `tasks`). */
export interface TaskObservation {
  pid: number;
  name: string;
  cpuMsPerSecond: number;
  gpuMsPerSecond?: number;
  energyImpact?: number;
}

export interface GpuObservation {
  source: string;
  devices: GpuDevice[];
  /** pid → GPU memory bytes where the driver reports it. */
  processMemoryBytes?: Record<number, number>;
}

export interface OllamaModel {
  name: string;
  sizeBytes: number;
  sizeVramBytes: number;
  /** epoch ms, null when the model never expires. */
  expiresAt: number | null;
}

/** A process's network bytes since it started (macOS nettop), every connection of it counted. */
export interface ProcessTraffic {
  pid: number;
  name: string;
  bytesIn: number;
  bytesOut: number;
}

export interface Observation {
  power?: PowerObservation;
  thermal?: ThermalObservation;
  battery?: BatteryObservation;
  processes?: ProcessInfo[];
  sockets?: SocketObservation;
  tasks?: TaskObservation[];
  gpu?: GpuObservation;
  userIdleSeconds?: number;
  ollama?: OllamaModel[];
  /** Figure path (e.g. `power.systemWatts`) → why this source has no value for it, in an ok reading. */
  absent?: Record<string, string>;
  processTraffic?: ProcessTraffic[];
  /** Connections the collector itself opened to local ports this tick (IdleWatt's own traffic). */
  selfRequests?: { port: number; count: number }[];
  /** macOS: which process to measure as the powermetrics IdleWatt started (see HelperMeter). */
  powermetricsHelper?: PowermetricsHelperObservation;
}

/**
 * The root helper loop prints its pid when it starts; powermetrics is that loop's child (a new pid
 * after each restart). `absent` says why there is no such process (a replayed recording).
 */
export interface PowermetricsHelperObservation {
  parentPid: number | null;
  absent?: string;
}

/**
 * fast: called on every tick; slow: expensive scans, every `slowIntervalSeconds` (the last reading
 * stands in between). Service CPU has no tier of its own: it is read on every tick, and ticks come at
 * `processIntervalSeconds` while a UI watches. Other processes are re-read on the slow tier only
 * where the collector says so (`ProcessInfo.stale`).
 */
export type CostTier = 'fast' | 'slow';

/** What the sampler asks of a collector on this tick. */
export interface CollectRequest {
  /** True on the slow tier (every `slowIntervalSeconds`): do the expensive work (open files, thread counts, port discovery). */
  slow: boolean;
  /**
   * Read every process in full this tick although it is not a slow tick: the CPU baselines were just
   * set (the first tick, or a gap reset them), and a process needs two readings for a CPU rate.
   */
  allProcesses?: boolean;
  /** Pids of service processes: per-pid extras (open files, threads) are worth collecting for these on every tick. */
  watchPids: ReadonlySet<number>;
  /** Ports of configured services: a cheap per-tick connection view may be limited to these. */
  servicePorts: ReadonlySet<number>;
  /**
   * Pids whose own connections to a service port matter (service processes and IdleWatt itself:
   * their requests are internal traffic). Client ends owned by anyone else stay without a pid,
   * which spares a search through every process's file descriptors.
   */
  clientPids?: ReadonlySet<number>;
}

export interface CollectorInstance {
  /** Never throws: failures are `error` readings, missing sources `absent` ones. */
  collect(request: CollectRequest): Promise<Reading<Observation>>;
  /** Ends background work (streams, root helpers). */
  close?(): Promise<void>;
}

/** One row of the collector registry: adding a source is one file, one row, one fixture. */
export interface CollectorDefinition {
  id: string;
  platforms: readonly NodeJS.Platform[];
  tier: CostTier;
  defaultEnabled: boolean;
  description: string;
  /** Which parts of an Observation it fills: its absence reason explains those figures being null. */
  provides?: readonly (keyof Observation)[];
  create(env: CollectorEnv): CollectorInstance;
}

export type ParseOutcome = { ok: true; value: unknown } | { ok: false; error: string };

/** One `idlewatt parse KIND FILE` kind: turns captured command output into normalised JSON. */
export interface ParserEntry {
  kind: string;
  description: string;
  /** When true and the value is an array, one JSON object is printed per line (e.g. per plist document). */
  perDocument?: boolean;
  parse(text: string): ParseOutcome;
}

/** A collector instantiated for this run, as the sampler calls it. */
export interface SamplerCollector {
  definition: Pick<CollectorDefinition, 'id' | 'tier' | 'provides'>;
  instance: CollectorInstance;
}
