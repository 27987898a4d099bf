// A stand-in process for traffic tests, run with fork():
//   serve [DELAY]    listen on a free port, answer every chunk received (after DELAY ms)
//   poll PORT MS     serve too, and send a request to PORT every MS ms on one kept-alive connection
//   pollnew PORT MS  serve too, and every MS ms send a request to PORT on a new connection it closes
//   request PORT     one request on a new connection, closed by this client first, then exit
//   keepalive PORT   open one connection and keep it, silent; each IPC 'send' sends one request on it
// It reports {type: 'listening', port}, {type: 'done'}, {type: 'connected'} or {type: 'answered'} over IPC.
import { connect, createServer } from 'node:net';

const [mode, target, everyMs] = process.argv.slice(2);
const delayMs = mode === 'serve' ? Number(target ?? 0) : 0;
const REQUEST = 'GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n';

function serve() {
  const server = createServer((socket) =>
    socket
      .on('data', () =>
        setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), delayMs),
      )
      .on('error', () => {}),
  );
  server.listen(0, '127.0.0.1', () => process.send?.({ type: 'listening', port: server.address().port }));
}

if (mode === 'serve' || mode === 'poll' || mode === 'pollnew') serve();
if (mode === 'pollnew') {
  setInterval(() => {
    const socket = connect(Number(target), '127.0.0.1', () => socket.write(REQUEST));
    socket.on('error', () => {});
    socket.once('data', () => socket.end());
  }, Number(everyMs));
}
if (mode === 'poll') {
  const socket = connect(Number(target), '127.0.0.1');
  socket.on('error', () => {});
  socket.on('connect', () => {
    socket.write(REQUEST);
    setInterval(() => socket.write(REQUEST), Number(everyMs));
  });
}
if (mode === 'request') {
  const socket = connect(Number(target), '127.0.0.1', () => socket.write(REQUEST));
  socket.once('data', () => socket.end());
  socket.on('close', () => process.send?.({ type: 'done' }, () => process.exit(0)));
}
if (mode === 'keepalive') {
  const socket = connect(Number(target), '127.0.0.1', () => process.send?.({ type: 'connected' }));
  socket.on('data', () => process.send?.({ type: 'answered' }));
  process.on('message', (message) => {
    if (message === 'send') socket.write(REQUEST);
  });
}
process.on('disconnect', () => process.exit(0));
