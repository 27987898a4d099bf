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

export type RecommendationAction =
  { kind: 'unload-ollama'; label: string } | { kind: 'copy-command'; label: string; command: string };

/** The buttons a recommendation gets: only what IdleWatt can do safely, or hand over to copy. */
export function recommendationActions(
  rec: Recommendation,
  platform: Platform | null,
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
  return actions;
}
