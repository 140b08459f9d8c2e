import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The bench's webhook receiver, in its own process so its HTTP parsing does not share an event
 * loop with the service under test. Talks to the bench over IPC: `expect` arms a count, and the
 * receive times (wall clock, ms) of every seq come back once that many distinct seqs arrived.
 */
const seen = new Map<number, number>();
let target = Infinity;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const seq = JSON.parse(Buffer.concat(chunks).toString()).data.seq as number;
    if (!seen.has(seq)) seen.set(seq, Date.now());
    res.writeHead(204).end();
    if (seen.size >= target) {
      target = Infinity;
      process.send!({ type: 'done', seen: [...seen] });
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send!({ type: 'ready', port: (server.address() as AddressInfo).port }));

process.on('message', (message: { type: string; count: number }) => {
  if (message.type === 'expect') {
    seen.clear();
    target = message.count;
  }
});
process.on('disconnect', () => process.exit(0));
