import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): any;
}

/** A plain HTTP request that can send any Host header and any raw path (fetch would normalise them). */
export function request(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; host?: string } = {},
): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: options.host ?? '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { Host: `127.0.0.1:${port}`, ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** Sends bytes exactly as given (for request lines that no client library would produce); the server must close. */
export function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

/** Reads an event stream until `until` returns true for the text so far, or `timeoutMs` passes. */
export function readStream(
  port: number,
  headers: Record<string, string>,
  until: (text: string) => boolean,
  timeoutMs = 5000,
  onOpen: () => void = () => {},
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/api/stream',
        headers: { Host: `127.0.0.1:${port}`, ...headers },
        agent: false,
      },
      (res) => {
        let text = '';
        const timer = setTimeout(() => {
          req.destroy();
          reject(
            new Error(
              `stream did not produce the expected data in ${timeoutMs} ms; got: ${text.slice(0, 500)}`,
            ),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
        };
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (until(text)) done();
        });
        res.on('end', done);
        onOpen();
        if (res.statusCode !== 200) res.resume();
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Parses `event:`/`data:` blocks of an event stream. */
export function parseEvents(text: string): { event: string; data: any }[] {
  return text
    .split('\n\n')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      return event && data ? { event, data: JSON.parse(data) } : null;
    })
    .filter((e): e is { event: string; data: any } => e !== null);
}
