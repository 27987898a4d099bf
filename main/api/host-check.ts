import { isIP } from 'node:net';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped IPv6 forms (how a dual-stack socket reports them). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1' || plain === '0:0:0:0:0:0:0:1';
}

/** True for a listen address that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host);
}

/** `[::1]:8787` → `{name: '[::1]', port: 8787}`; null when the header is malformed. */
export function parseHostHeader(header: string): { name: string; port: number | null } | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s/@]+)(?::(\d{1,5}))?$/.exec(header.trim());
  if (!match) return null;
  const name = match[1]!.toLowerCase();
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  return { name, port };
}

/**
 * DNS-rebinding guard: the Host header must name this machine's loopback (or a host the user named
 * explicitly with --host) with the port the server listens on. A page on evil.example that rebinds
 * its name to 127.0.0.1 still sends `Host: evil.example` and is refused.
 */
export function isAllowedHost(
  header: string | undefined,
  port: number,
  extraNames: readonly string[] = [],
): boolean {
  if (!header) return false;
  const parsed = parseHostHeader(header);
  if (!parsed) return false;
  const portMatches = parsed.port === null ? port === 80 : parsed.port === port;
  if (!portMatches) return false;
  if (LOOPBACK_NAMES.has(parsed.name)) return true;
  return extraNames.some((name) => hostName(name) === parsed.name);
}

/** Normalises a configured host (an IPv6 address gets brackets, as in a Host header). */
export function hostName(host: string): string {
  const lower = host.toLowerCase();
  return isIP(lower) === 6 ? `[${lower}]` : lower;
}

/** The origins a same-origin browser request may carry. */
export function allowedOrigins(port: number, extraNames: readonly string[] = []): Set<string> {
  const names = [...LOOPBACK_NAMES, ...extraNames.map(hostName)];
  return new Set(names.map((name) => `http://${name}:${port}`));
}
