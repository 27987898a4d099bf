import type { ConnectionState, MonitorStatus } from '../../main/contract/api.js';
import type { Sample } from '../../main/contract/sample.js';
import { formatClock } from '../format.js';

export type BannerAction = 'retry' | 'request-permission' | 'decline-permission';

export interface Banner {
  id: string;
  tone: 'error' | 'warning' | 'info';
  title: string;
  text: string;
  action: { kind: BannerAction; label: string } | null;
  /** A second, quieter choice beside the action (the first-run panel's "Not now"). */
  secondary?: { kind: BannerAction; label: string };
}

export interface BannerInput {
  status: MonitorStatus | null;
  latest: Sample | null;
  connection: ConnectionState | null;
  /** Why the initial load failed (the backend is unreachable or refused us). */
  loadError: string | null;
  /** A permission request is in flight (its prompt is showing): no second button meanwhile. */
  permissionAsking: boolean;
  /** The user chose "Not now" on the first-run explanation: show the plain permission banner. */
  explanationDeclined?: boolean;
  intervalSeconds: number | null;
}

const sentence = (text: string): string => (/[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/**
 * The states the popover must explain rather than show as empty or zero: backend unreachable,
 * power needing permission, a collector failing, first run, and notices from the monitor. Most
 * urgent first.
 */
export function bannersFor(input: BannerInput): Banner[] {
  const banners: Banner[] = [];
  // The page keeps showing the last sample it had; say how old it is rather than pass it off as live.
  const stale = input.latest
    ? ` The figures below are from ${formatClock(input.latest.at)} and may be out of date.`
    : '';
  if (input.loadError) {
    banners.push({
      id: 'backend-down',
      tone: 'error',
      title: 'Monitor unreachable',
      text: `${sentence(input.loadError)}${stale}`,
      action: { kind: 'retry', label: 'Retry' },
    });
    return banners;
  }
  if (input.connection && !input.connection.connected) {
    banners.push({
      id: 'backend-down',
      tone: 'error',
      title: 'Connection to the monitor lost',
      text: `${sentence(input.connection.detail ?? 'The live stream stopped.')}${stale}`,
      action: { kind: 'retry', label: 'Reconnect' },
    });
  }
  const permission = input.status?.permission;
  const explain =
    permission?.state === 'needed' && !input.explanationDeclined ? permission.explain : undefined;
  if (permission && explain) {
    banners.push({
      id: 'first-run-power',
      tone: 'info',
      title: explain.title,
      text: explain.text,
      action:
        permission.canRequest && !input.permissionAsking
          ? { kind: 'request-permission', label: explain.allowLabel }
          : null,
      ...(input.permissionAsking
        ? {}
        : { secondary: { kind: 'decline-permission', label: explain.declineLabel } }),
    });
  } else if (permission && (permission.state === 'needed' || permission.state === 'denied')) {
    banners.push({
      id: 'permission',
      tone: 'warning',
      title: permission.state === 'denied' ? 'Power readings were denied' : 'Power readings need permission',
      text: permission.message,
      action:
        permission.canRequest && !input.permissionAsking
          ? {
              kind: 'request-permission',
              label: permission.state === 'denied' ? 'Ask again' : 'Allow power readings',
            }
          : null,
    });
  }
  for (const collector of input.latest?.collectors ?? []) {
    if (collector.status !== 'error') continue;
    banners.push({
      id: `collector-${collector.id}`,
      tone: 'warning',
      title: `Collector \u201c${collector.id}\u201d is failing`,
      text: collector.reason ?? 'It reported an error without a reason.',
      action: null,
    });
  }
  if (input.status && !input.latest && input.status.historyLength === 0) {
    const every = input.intervalSeconds ? ` every ${input.intervalSeconds} s` : '';
    banners.push({
      id: 'first-run',
      tone: 'info',
      title: 'Collecting the first samples',
      text: `IdleWatt samples power, thermal state and your services${every}. The graph and table fill in as data arrives; idle energy needs a few minutes of history.`,
      action: null,
    });
  }
  (input.status?.notices ?? []).forEach((notice, i) =>
    banners.push({ id: `notice-${i}`, tone: 'info', title: 'Notice', text: notice, action: null }),
  );
  return banners;
}
