import type { AlertEvent, ServiceConfig } from '../contract/index.js';

export interface NotificationRequest {
  title: string;
  body: string;
  /** Linux honours it; macOS shows every notification the same way. */
  urgency: 'low' | 'normal' | 'critical';
  /** 'never' keeps a critical alert on screen until the user acts (Linux, Windows). */
  timeoutType: 'default' | 'never';
  silent: boolean;
}

/** The parts of Electron's Notification the notifier uses (a fake in tests). */
export interface NotificationPort {
  show(): void;
  on(event: 'click' | 'close', listener: () => void): unknown;
  /**
   * macOS and Windows: showing failed. On Electron 42+ an unsigned macOS app gets this for every
   * notification while isSupported() still says true (electron/electron Notification docs).
   */
  on(event: 'failed', listener: (event: unknown, error: string) => void): unknown;
}

export interface NotifierOptions {
  createNotification(request: NotificationRequest): NotificationPort;
  isSupported(): boolean;
  /** Read on every event, so a settings change applies at once. */
  settings(): { notifications: boolean; services: readonly ServiceConfig[] };
  /** Shows the popover and asks the renderer to focus that service (null: just open it). */
  openPopoverOn(serviceId: string | null): void;
  /** The OS would not show it: the shell falls back to the popover and the tray. */
  onFailed?(event: AlertEvent, request: NotificationRequest, error: string): void;
}

export interface Notifier {
  /** Returns true when a notification was shown for this event. */
  handle(event: AlertEvent): boolean;
}

const NOTIFYING_KINDS: ReadonlySet<AlertEvent['kind']> = new Set(['fired', 'escalated']);
const REMEMBERED_EVENT_IDS = 500;

/** The body names the culprit even when the rule's message does not. */
export function notificationBody(event: AlertEvent, services: readonly ServiceConfig[]): string {
  if (event.serviceId === null) return event.message;
  const name = services.find((s) => s.id === event.serviceId)?.name ?? event.serviceId;
  if (event.message.includes(name) || event.message.includes(event.serviceId)) return event.message;
  return `${event.message} Likely culprit: ${name}.`.trim();
}

export function notificationRequest(
  event: AlertEvent,
  services: readonly ServiceConfig[],
): NotificationRequest {
  const critical = event.severity === 'critical';
  return {
    title: event.title || 'IdleWatt alert',
    body: notificationBody(event, services),
    urgency: critical ? 'critical' : 'normal',
    timeoutType: critical ? 'never' : 'default',
    silent: !critical,
  };
}

/**
 * Turns alert events into native notifications: exactly one per fired or escalated event (the same
 * event id twice shows once), none while notifications are off. A snoozed rule raises no such
 * event in the first place (the alert engine holds the snoozes). Clicking one opens the popover on
 * the culprit.
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const seen = new Set<string>();
  // Electron drops a Notification's click handler once the object is garbage-collected: keep it.
  const live = new Set<NotificationPort>();

  return {
    handle(event) {
      if (!NOTIFYING_KINDS.has(event.kind) || seen.has(event.id)) return false;
      const settings = options.settings();
      if (!settings.notifications || !options.isSupported()) return false;
      seen.add(event.id);
      if (seen.size > REMEMBERED_EVENT_IDS) seen.delete(seen.values().next().value as string);
      const request = notificationRequest(event, settings.services);
      const notification = options.createNotification(request);
      live.add(notification);
      notification.on('click', () => {
        live.delete(notification);
        options.openPopoverOn(event.serviceId);
      });
      notification.on('close', () => live.delete(notification));
      notification.on('failed', (_failure, error) => {
        live.delete(notification);
        options.onFailed?.(event, request, String(error));
      });
      notification.show();
      return true;
    },
  };
}
