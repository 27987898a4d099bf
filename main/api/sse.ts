import type { ServerResponse } from 'node:http';
import { BASE_HEADERS } from './errors.js';

export interface SseOptions {
  heartbeatMs: number;
  /** A client whose unsent data would exceed this is dropped: a slow reader never grows memory. */
  maxBufferedBytes: number;
  log: (line: string) => void;
  /** Called when the number of stream clients changes (a dashboard open = someone watching). */
  onClientCount?: (count: number) => void;
}

/** Fans samples and alerts out to server-sent-event clients. Each event is serialised once. */
export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;
  private dropped = 0;
  private nextId = 1;

  constructor(private readonly options: SseOptions) {
    this.heartbeat = setInterval(() => this.writeAll(`: heartbeat ${Date.now()}\n\n`), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  get droppedCount(): number {
    return this.dropped;
  }

  /** Starts the stream on `res`; `initial` events (e.g. the latest sample) go first. */
  add(res: ServerResponse, initial: { event: string; data: unknown }[] = []): void {
    res.writeHead(200, {
      ...BASE_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    this.clients.add(res);
    this.countChanged();
    res.on('close', () => {
      this.clients.delete(res);
      this.countChanged();
    });
    this.write(res, `retry: 3000\n\n`);
    for (const { event, data } of initial) this.write(res, this.format(event, data));
  }

  broadcast(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    this.writeAll(this.format(event, data));
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.countChanged();
  }

  private lastCount = 0;
  private countChanged(): void {
    if (this.clients.size === this.lastCount) return;
    this.lastCount = this.clients.size;
    this.options.onClientCount?.(this.lastCount);
  }

  private format(event: string, data: unknown): string {
    return `id: ${this.nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  }

  private writeAll(chunk: string): void {
    for (const res of this.clients) this.write(res, chunk);
  }

  private write(res: ServerResponse, chunk: string): void {
    if (res.destroyed) {
      this.clients.delete(res);
      this.countChanged();
      return;
    }
    if (res.writableLength + Buffer.byteLength(chunk) > this.options.maxBufferedBytes) {
      this.clients.delete(res);
      this.countChanged();
      this.dropped += 1;
      this.options.log(
        `api: dropped a slow event-stream client (${res.writableLength} bytes unsent, limit ${this.options.maxBufferedBytes})`,
      );
      res.destroy();
      return;
    }
    res.write(chunk);
  }
}
