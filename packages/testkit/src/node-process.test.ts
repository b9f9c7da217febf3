import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startNodeProcess } from './node-process.js';

const dir = mkdtempSync(join(tmpdir(), 'balai-node-process-'));
let programs = 0;

/** Writes a small program for the child process to run. */
function program(source: string): string {
  programs += 1;
  const file = join(dir, `program-${programs}.mjs`);
  writeFileSync(file, source);
  return file;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('startNodeProcess', () => {
  it('should resolve with what the ready line carries, the child seeing only the given environment', async () => {
    const child = await startNodeProcess({
      script: program(
        `console.log(JSON.stringify({ greeting: process.env.GREETING, vitest: process.env.VITEST ?? null }));
         setInterval(() => {}, 1000);`,
      ),
      env: { GREETING: 'halo' },
      ready: (line) => JSON.parse(line) as { greeting: string; vitest: string | null },
    });
    expect(child.ready).toEqual({ greeting: 'halo', vitest: null });
    expect(await child.kill()).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('should reject with the output when the program exits before it is ready', async () => {
    const started = startNodeProcess({
      script: program(`console.error('MONGO_URL is missing'); process.exit(3);`),
      env: {},
      ready: () => undefined,
    });
    await expect(started).rejects.toThrow(/exited with code 3 before its ready line[\s\S]*MONGO_URL is missing/);
  });

  it('should find a line written before the wait for it began', async () => {
    const child = await startNodeProcess({
      script: program(`console.log('ready'); console.log('port 4242'); setInterval(() => {}, 1000);`),
      env: {},
      ready: (line) => (line === 'ready' ? true : undefined),
    });
    const port = await child.waitForLine((line) => /^port (\d+)$/.exec(line)?.[1], { what: 'the port' });
    expect(port).toBe('4242');
    await child.kill();
  });
});
