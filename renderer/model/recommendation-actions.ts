import type { Recommendation } from '../../main/contract/report.js';
import type { Platform } from '../../main/contract/sample.js';

/** How long Ollama keeps an idle model loaded after the change: its own default. */
export const SUGGESTED_KEEP_ALIVE = '5m';

/**
 * The command that sets OLLAMA_KEEP_ALIVE for the Ollama server, the way Ollama's FAQ
 * (ollama/ollama docs/faq.md, "How do I configure Ollama server?") sets its variables: `launchctl
 * setenv` for the macOS app (then quit and reopen it), a systemd drop-in for the Linux service (then
 * daemon-reload and restart). null where neither applies.
 */
export function keepAliveCommand(platform: Platform, duration = SUGGESTED_KEEP_ALIVE): string | null {
  if (platform === 'darwin') {
    return `launchctl setenv OLLAMA_KEEP_ALIVE ${duration}  # then quit and reopen Ollama`;
  }
  if (platform === 'linux') {
    return (
      `sudo mkdir -p /etc/systemd/system/ollama.service.d && ` +
      `printf '[Service]\\nEnvironment="OLLAMA_KEEP_ALIVE=${duration}"\\n' | ` +
      `sudo tee /etc/systemd/system/ollama.service.d/keep-alive.conf && ` +
      `sudo systemctl daemon-reload && sudo systemctl restart ollama`
    );
  }
  return null;
}

/** How long the recommendation's "Snooze this service's alerts" button silences them. */
export const SERVICE_SNOOZE_MINUTES = 60;

export type RecommendationAction =
  | { kind: 'unload-ollama'; label: string }
  | { kind: 'copy-command'; label: string; command: string }
  | { kind: 'snooze-service'; label: string; serviceId: string; minutes: number };

/**
 * The buttons a recommendation gets: only what IdleWatt can do safely, or hand over to copy. A
 * recommendation about a service also offers to snooze that service's alerts (`serviceName` is its
 * display name; the id stands in without one).
 */
export function recommendationActions(
  rec: Recommendation,
  platform: Platform | null,
  serviceName?: string,
): RecommendationAction[] {
  const actions: RecommendationAction[] = [];
  if (rec.action === 'unload-ollama') actions.push({ kind: 'unload-ollama', label: 'Unload Ollama models' });
  const command = platform && /OLLAMA_KEEP_ALIVE/.test(rec.text) ? keepAliveCommand(platform) : null;
  if (command) {
    actions.push({
      kind: 'copy-command',
      label: `Copy the command (OLLAMA_KEEP_ALIVE=${SUGGESTED_KEEP_ALIVE})`,
      command,
    });
  }
  if (rec.serviceId) {
    actions.push({
      kind: 'snooze-service',
      label: `Snooze ${serviceName || rec.serviceId} alerts for 1 h`,
      serviceId: rec.serviceId,
      minutes: SERVICE_SNOOZE_MINUTES,
    });
  }
  return actions;
}
