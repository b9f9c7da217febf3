import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

/**
 * Ports handed out here lie below Linux's ephemeral range (32768–60999 by default), where no
 * `listen(0)` or outgoing connection of a parallel test can take them in the seconds between
 * reserving a port and listening on it.
 */
const range = { from: 20_000, to: 32_000 };

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A TCP port that was free on 127.0.0.1 a moment ago, for servers that must keep one address
 * across restarts (port 0 would give them a new one on each start) or whose address another
 * process must know before they start (the gateway's URL is identity's token issuer).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = randomInt(range.from, range.to);
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port found in ${range.from}-${range.to}`);
}
