import type { InternalClient, ServiceActivity } from '../contract/index.js';
import { SELF_CLIENT_ID, type ServiceTraffic } from './activity.js';

/** The Sample's view of one service's traffic, with internal clients named. */
export function serviceActivity(
  traffic: ServiceTraffic,
  serviceNames: ReadonlyMap<string, string>,
  inferenceCount5m: number | null,
): ServiceActivity {
  const internalClients: InternalClient[] = [...traffic.internalClients]
    .map(([id, seen]) => ({
      id,
      name: id === SELF_CLIENT_ID ? 'IdleWatt' : (serviceNames.get(id) ?? id),
      requests5m: seen.count,
      everySeconds: seen.count >= 2 ? (seen.lastAt - seen.firstAt) / 1000 / (seen.count - 1) : null,
    }))
    .sort((a, b) => b.requests5m - a.requests5m || a.id.localeCompare(b.id));
  return {
    connectionsOpened: { ...traffic.connectionsOpened },
    activeConnections: traffic.activeConnections,
    bytesIn: traffic.bytesIn,
    bytesOut: traffic.bytesOut,
    requestCount5m: { ...traffic.requestCount5m },
    lastUserRequestAt: traffic.lastUserRequestAt,
    lastInternalRequestAt: traffic.lastInternalRequestAt,
    internalClients,
    inferenceCount5m,
  };
}
