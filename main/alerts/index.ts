export { evaluateAlerts, type AlertStep } from './engine.js';
export { restoreAlertState } from './restore.js';
export { initialAlertState, activeAlerts, type AlertState, type ActiveAlert } from './state.js';
export {
  applySnooze,
  clearSnooze,
  emptySnooze,
  isSnoozed,
  nextLocalMidnight,
  pruneExpired,
  type SnoozeResult,
} from './snooze.js';
export { fitRssSlope } from './memory-slope.js';
export { formatAlertLine, createTerminalSink } from './sinks/terminal.js';
export { createPlatformNotifier, notificationCommand, type NotifyResult } from './sinks/platform-notifier.js';
export { createWebhookSink, sendWebhook, type WebhookResult } from './sinks/webhook.js';
