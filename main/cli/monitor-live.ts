import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AlertEvent, Sample, Settings } from '../contract/index.js';
import { createPlatformNotifier, formatAlertLine } from '../alerts/index.js';
import { runCommand } from '../collectors/exec.js';
import { raiseFileLimit } from '../api/file-limit.js';
import { wireConsumers, type Consumers } from '../assembly/consumers.js';
import { openLocalCore, type LocalCore } from '../assembly/local-core.js';
import type { SettingsStore } from '../settings/index.js';
import { VERSION } from '../version.js';
import { CliError, type CliIo } from './io.js';
import { formatLiveLine } from './monitor-lines.js';
import type { MonitorOptions } from './monitor-options.js';

export interface LiveMonitorContext {
  options: MonitorOptions;
  dataDir: string;
  settingsStore: SettingsStore;
  effectiveSettings: () => Settings;
  io: CliIo;
  /** Resolves when the monitor should stop (tests); default: SIGINT or SIGTERM. */
  stopSignal?: Promise<void>;
}

/** The built renderer: beside the bundled CLI (dist/renderer) or, under tsx, in the repo's dist/. */
export function rendererDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'renderer'), join(here, '..', '..', 'dist', 'renderer')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

function hasDesktopSession(): boolean {
  return process.platform === 'darwin' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

export async function runLiveMonitor(ctx: LiveMonitorContext): Promise<number> {
  const { options, dataDir, settingsStore, effectiveSettings, io } = ctx;
  const files = raiseFileLimit();
  if (!files.ok && files.current !== null && files.current < 1024) {
    io.err(
      `idlewatt monitor: only ${files.current} open files allowed (${files.reason}); API connections are capped to fit`,
    );
  }
  const settings = effectiveSettings();
  const errors = (error: Error) => io.err(`idlewatt monitor: ${error.message}`);
  let opened: LocalCore;
  try {
    opened = await openLocalCore({
      dataDir,
      settingsStore,
      settings: effectiveSettings,
      mode: options.replay ? 'replay' : 'headless',
      replayDir: options.replay,
      recordDir: options.record,
      sysRoot: options.sysRoot,
      procRoot: options.procRoot,
      onError: errors,
    });
  } catch (error) {
    const what = options.replay ? `cannot replay ${options.replay}` : 'cannot start';
    throw new CliError(`${what}: ${(error as Error).message}`);
  }
  const { core, store } = opened;
  const log = (line: string) => io.err(`idlewatt monitor: ${line}`);

  // Alert sinks: a line on stdout always; desktop notifications where configured (the webhook is wired
  // with the other consumers).
  const notifier = createPlatformNotifier({
    platform: process.platform,
    exec: runCommand,
    enabled: () => hasDesktopSession() && effectiveSettings().alerts.notifications,
    env: process.env,
  });
  const printAndNotify = (event: AlertEvent) => {
    io.out(formatAlertLine(event));
    if (event.kind === 'fired' || event.kind === 'escalated') void notifier.notify(event);
  };
  let consumers: Consumers;
  try {
    consumers = await wireConsumers({
      core,
      store,
      settings: effectiveSettings,
      dataDir,
      log,
      api: {
        host: options.host ?? undefined,
        port: options.port ?? settings.api.port,
        staticDir: rendererDir(),
        allowedHosts: options.allowHosts,
        required: true,
      },
      alertSinks: [printAndNotify],
    });
  } catch (error) {
    await core.close();
    throw new CliError((error as Error).message);
  }
  const server = consumers.server!;
  if (io.isTTY && !options.quiet) core.onSample((sample: Sample) => io.out(formatLiveLine(sample)));
  core.start();
  io.out(
    `IdleWatt ${VERSION} monitor${options.replay ? ` (replaying ${options.replay})` : ''} — data in ${dataDir}`,
  );
  io.out(`Dashboard: ${server.dashboardUrl}`);
  const base = (server.urls[0] ?? '').replace(/\/$/, '');
  io.out(
    `API: curl -H "Authorization: Bearer $(cat '${join(dataDir, 'api-token')}')" ${base}/api/system/metrics`,
  );
  io.out(`Prometheus: ${base}/metrics   Stop: Ctrl+C`);
  if (options.open) openInBrowser(server.dashboardUrl, io);

  await (ctx.stopSignal ?? waitForSignal());
  io.out('idlewatt monitor: stopping…');
  await consumers.close();
  return 0;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function openInBrowser(url: string, io: CliIo): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () =>
    io.err(`idlewatt monitor: could not open a browser (${command}); open the dashboard URL yourself`),
  );
  child.unref();
}
