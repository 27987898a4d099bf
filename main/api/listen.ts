import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { connectionLimits, type ConnectionLimits } from './connection-limits.js';

export interface Listening {
  port: number;
  /** Base URLs, one per listening address. */
  urls: string[];
  /** Stops listening and ends every open connection. */
  close(): Promise<void>;
}

/**
 * Listens on each host with the same port (0 lets the first host pick it; `onPort` hears it at once).
 * ::1 after the first host is optional: IPv6 may be disabled. Rejects with a sentence, leaving
 * nothing listening.
 */
export async function listenOn(
  hosts: readonly string[],
  port: number,
  handler: RequestListener,
  onPort: (port: number) => void,
  limits: ConnectionLimits = connectionLimits(),
): Promise<Listening> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const urls: string[] = [];
  const closeAll = async () => {
    await Promise.all(servers.map(closeServer));
    for (const socket of sockets) socket.destroy();
  };
  try {
    for (const [index, host] of hosts.entries()) {
      const server = createGuardedServer(handler, sockets, limits);
      servers.push(server);
      try {
        port = await listen(server, port, host);
        onPort(port);
        urls.push(`http://${urlHost(host)}:${port}/`);
      } catch (error) {
        servers.pop();
        const code = (error as NodeJS.ErrnoException).code;
        if (index > 0 && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue;
        throw listenError(error, host, port);
      }
    }
  } catch (error) {
    await Promise.all(servers.map(closeServer));
    throw error;
  }
  return { port, urls, close: closeAll };
}

/**
 * A server with timeouts and a connection cap, a JSON answer to malformed requests, and its sockets
 * tracked for close.
 */
function createGuardedServer(
  handler: RequestListener,
  sockets: Set<Socket>,
  limits: ConnectionLimits,
): Server {
  const server = createServer(
    {
      requestTimeout: 30_000,
      headersTimeout: limits.headersTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkingIntervalMs,
    },
    handler,
  );
  server.maxConnections = limits.maxConnections;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({ error: 'bad-request', detail: 'malformed HTTP request' });
    socket.end(
      `HTTP/1.1 ${status} Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  server.on('connection', (socket: Socket) => {
    // node:http's header timeout only covers a request that has begun: a socket that never sends
    // a byte would otherwise stay open for good (and hold a descriptor).
    socket.setTimeout(limits.headersTimeoutMs, () => socket.destroy());
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return server;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, exclusive: true });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function listenError(error: unknown, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new Error(`port ${port} on ${host} is already in use (try --port 0 or another port)`);
  if (code === 'EACCES') return new Error(`no permission to listen on ${host}:${port}`);
  return new Error(`cannot listen on ${host}:${port}: ${(error as Error).message}`);
}
