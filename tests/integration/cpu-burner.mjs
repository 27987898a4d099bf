// A stand-in local service for integration tests: listens on a TCP port and burns a given share of
// one core (duty cycle over 100 ms slices). Reports its own CPU seconds (getrusage) on request over
// IPC so tests can compare IdleWatt's figure with an independent measurement.
import { createServer } from 'node:net';

const port = Number(process.argv[2]);
const share = Number(process.argv[3] ?? '0.5');
const server = createServer((socket) => socket.on('data', () => socket.write('ok\n')).on('error', () => {}));
server.listen(port, '127.0.0.1', () => process.send?.({ type: 'listening', port: server.address().port }));

function slice() {
  const start = Date.now();
  while (Date.now() - start < 100 * share) {
    // burn
  }
  setTimeout(slice, 100 * (1 - share));
}
if (share > 0) slice();

process.on('message', (message) => {
  if (message === 'cpu') {
    const usage = process.cpuUsage();
    process.send?.({ type: 'cpu', cpuSeconds: (usage.user + usage.system) / 1e6, at: Date.now() });
  }
});
process.on('disconnect', () => process.exit(0));
