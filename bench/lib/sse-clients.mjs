/**
 * @module
 * SSE client process: opens one raw TCP connection per path, each a `GET` that stays open,
 * and counts a stream as open once its first `event: status` message arrived. Reports
 * `{ opened, failed }` when all are settled, then holds the streams until the `close` command.
 * Raw sockets keep this process's own memory per stream small.
 */
import net from 'node:net';
import { emit, finish, nextCommand, readInput } from './driver-io.mjs';

const { url, paths, parallel = 100 } = await readInput();
const target = new URL(url);
const sockets = [];
let opened = 0;
let failed = 0;
let closedEarly = 0;

function open(path) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.hostname, port: Number(target.port) });
    sockets.push(socket);
    let settled = false;
    let seen = '';
    const settle = (ok) => {
      if (settled) return;
      settled = true;
      if (ok) opened++;
      else failed++;
      resolve();
    };
    socket.setEncoding('utf8');
    socket.once('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${target.host}\r\nAccept: text/event-stream\r\n\r\n`,
      );
    });
    socket.on('data', (chunk) => {
      if (settled) return;
      seen += chunk;
      if (!seen.startsWith('HTTP/1.1 200')) settle(false);
      else if (seen.includes('event: status')) settle(true);
      seen = seen.length > 4096 ? seen.slice(-4096) : seen;
    });
    socket.once('error', () => settle(false));
    socket.once('close', () => {
      if (settled) closedEarly++;
      settle(false);
    });
    socket.setTimeout(30_000, () => {
      if (!settled) socket.destroy();
    });
  });
}

const started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(parallel, paths.length) }, async () => {
    for (let i = next++; i < paths.length; i = next++) await open(paths[i]);
  }),
);
for (const socket of sockets) socket.setTimeout(0);
emit({ event: 'opened', opened, failed, ms: performance.now() - started });

for (let command = await nextCommand(); command !== null && command !== 'close';) {
  command = await nextCommand();
}
for (const socket of sockets) socket.destroy();
finish({ opened, failed, closedEarly });
