import { createServer } from 'node:net';

/**
 * A TCP port that was free on 127.0.0.1 a moment ago, for servers that must keep one address
 * across restarts (port 0 would give them a new one on each start).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
