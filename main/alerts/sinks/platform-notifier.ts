import type { AlertEvent } from '../../contract/alerts.js';
import type { CommandRunner } from '../../collectors/types.js';
import { oneLine } from '../one-line.js';

export type NotifyResult = { delivered: true } | { delivered: false; reason: string };

export interface NotificationCommand {
  file: string;
  args: string[];
}

const NOTIFY_TIMEOUT_MS = 5_000;

/** Arguments never start with a dash, so no text can be read as an option. */
function plainArg(text: string, maxLength: number): string {
  return oneLine(text, maxLength).replace(/^-+\s*/, '') || '(no text)';
}

/** notify-send bodies may be parsed as markup by the notification server. */
function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The argv for the platform's notifier, run without a shell; null where there is none. */
export function notificationCommand(
  platform: NodeJS.Platform,
  event: AlertEvent,
): NotificationCommand | null {
  const title = plainArg(event.title, 120);
  const body = plainArg(event.message, 400);
  if (platform === 'linux') {
    const urgency = event.severity === 'critical' ? 'critical' : 'normal';
    return {
      file: 'notify-send',
      args: ['--app-name=IdleWatt', `--urgency=${urgency}`, '--', title, escapeMarkup(body)],
    };
  }
  if (platform === 'darwin') {
    // The texts travel as run-handler arguments, never spliced into AppleScript source.
    return {
      file: 'osascript',
      args: [
        '-e',
        'on run argv',
        '-e',
        'display notification (item 2 of argv) with title (item 1 of argv) subtitle "IdleWatt"',
        '-e',
        'end run',
        title,
        body,
      ],
    };
  }
  return null;
}

export interface PlatformNotifierOptions {
  platform: NodeJS.Platform;
  exec: CommandRunner;
  /** settings.alerts.notifications; a function so a settings change applies at once. */
  enabled: boolean | (() => boolean);
  /** The environment, to tell whether a desktop session exists on Linux. */
  env: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
}

export interface PlatformNotifier {
  notify(event: AlertEvent): Promise<NotifyResult>;
}

const INSTALL_HINT: Record<string, string> = {
  'notify-send': 'notify-send is not installed (Debian/Ubuntu: apt-get install libnotify-bin)',
  osascript: 'osascript was not found',
};

/**
 * Desktop notifications for the headless monitor: notify-send on Linux, osascript on macOS.
 * Never rejects; a missing binary is remembered so it is not spawned again on every event.
 */
export function createPlatformNotifier(options: PlatformNotifierOptions): PlatformNotifier {
  let missing: string | null = null;
  const isEnabled = (): boolean =>
    typeof options.enabled === 'function' ? options.enabled() : options.enabled;

  return {
    async notify(event) {
      if (!isEnabled()) return { delivered: false, reason: 'notifications are turned off in settings' };
      if (missing) return { delivered: false, reason: missing };
      if (options.platform === 'linux' && !options.env.DISPLAY && !options.env.WAYLAND_DISPLAY) {
        return {
          delivered: false,
          reason: 'no desktop session (neither DISPLAY nor WAYLAND_DISPLAY is set)',
        };
      }
      const command = notificationCommand(options.platform, event);
      if (!command) return { delivered: false, reason: `no desktop notifier on ${options.platform}` };
      try {
        const result = await options.exec(command.file, command.args, {
          timeoutMs: options.timeoutMs ?? NOTIFY_TIMEOUT_MS,
        });
        if (result.failure === 'not-found') {
          missing = INSTALL_HINT[command.file] ?? `${command.file} was not found`;
          return { delivered: false, reason: missing };
        }
        if (result.failure) return { delivered: false, reason: `${command.file}: ${result.failure}` };
        if (result.exitCode !== 0) {
          const detail = oneLine(result.stderr, 200) || `exit code ${result.exitCode ?? 'unknown'}`;
          return { delivered: false, reason: `${command.file} failed: ${detail}` };
        }
        return { delivered: true };
      } catch (error) {
        // The runner contract says it never rejects; an injected one might.
        return { delivered: false, reason: `${command.file}: ${(error as Error).message}` };
      }
    },
  };
}
