import { createServer } from 'node:net';

/** Asks the kernel for a free TCP port on 127.0.0.1 (side-by-side instances, tests, benches). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
