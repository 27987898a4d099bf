import { readFileLimit } from './file-limit.js';

export interface ConnectionLimits {
  /** Per listening address; further connections are closed at once by node:http. */
  maxConnections: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** How often node:http looks for connections past their header or request timeout. */
  checkingIntervalMs: number;
}

const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
const MAX_CONNECTIONS_CEILING = 1024;
const MIN_CONNECTIONS = 32;

/**
 * Idle sockets (no token is needed to open one) must never starve the process of descriptors: at
 * most a quarter of the open-file limit per listening address (loopback has two), so history files,
 * collectors and child processes always have room. Silent connections are closed after the header
 * timeout; node:http only checks every 30 s by default, so the check runs at a fifth of the timeout.
 */
export function connectionLimits(
  options: { maxConnections?: number; headersTimeoutMs?: number } = {},
  fileLimit: number | null = readFileLimit()?.soft ?? null,
): ConnectionLimits {
  const headersTimeoutMs = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const fromLimit =
    fileLimit === null
      ? MAX_CONNECTIONS_CEILING
      : Math.max(MIN_CONNECTIONS, Math.min(MAX_CONNECTIONS_CEILING, Math.floor(fileLimit / 4)));
  return {
    maxConnections: options.maxConnections ?? fromLimit,
    headersTimeoutMs,
    keepAliveTimeoutMs: 5_000,
    checkingIntervalMs: Math.max(100, Math.min(2_000, Math.floor(headersTimeoutMs / 5))),
  };
}
