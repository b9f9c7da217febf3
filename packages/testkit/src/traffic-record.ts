import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Records what the platform answered during a test run, so two runs (before and after a
 * refactoring) can be compared answer by answer: `BALAI_RECORD_TRAFFIC=<dir>` turns it on (a
 * vitest setup file of the integration project, traffic-record-setup.ts), and
 * `node tools/traffic-compare.ts <before> <after>` compares. Off, it changes nothing.
 */

const directory = process.env.BALAI_RECORD_TRAFFIC;

/** Answer headers that belong to the contract (not dates, ids or timing). */
const contractHeaders = [
  'content-type',
  'content-language',
  'cache-control',
  'location',
  'retry-after',
  'www-authenticate',
  'allow',
  'access-control-allow-origin',
  'vary',
];

/** Which test is running; the setup file sets it from vitest (this module must not import vitest: bench uses it). */
let currentTest: () => { file: string; test: string } = () => ({ file: 'outside-tests', test: '' });

export function nameTestsWith(namer: () => { file: string; test: string }): void {
  currentTest = namer;
}

function write(entry: Record<string, unknown>): void {
  if (!directory) return;
  const { file, test } = currentTest();
  mkdirSync(directory, { recursive: true });
  appendFileSync(join(directory, `${file}.jsonl`), `${JSON.stringify({ test, ...entry })}\n`);
}

/** Records the Kafka records a test read from a topic (testkit's readTopicRecords calls it). */
export function recordTopicRecords(topic: string, records: { key: string | null; value: string | null }[]): void {
  if (!directory) return;
  for (const record of records)
    write({ kind: 'event', topic: topic.replace(/^.*?balai\./, 'balai.'), value: record.value });
}

function bodyText(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  return undefined;
}

/** Wraps fetch so every answer the tests receive is written down with the request that got it. */
export function recordFetch(): void {
  if (!directory) return;
  const original = globalThis.fetch;
  globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    // Read from the arguments, not a new Request: that would take over a streamed body.
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const response = await original(input, init);
    const copy = response.clone();
    const text = await copy.text().catch(() => '');
    write({
      kind: 'http',
      method,
      path: `${url.pathname}${url.search}`,
      requestBody: bodyText(init?.body),
      status: response.status,
      headers: Object.fromEntries(
        contractHeaders.flatMap((name) =>
          response.headers.get(name) === null ? [] : [[name, response.headers.get(name)]],
        ),
      ),
      body: text,
    });
    return response;
  };
}
