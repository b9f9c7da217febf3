import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Compares two recordings of the integration tests' traffic (traffic-record.ts): what the
 * platform answered before and after a change, test by test. Values that differ from run to run
 * by design (ids, tokens, times, ports, generated numbers) are replaced by placeholders; repeated
 * answers (a test polling until something shows) count once; order within a test is ignored
 * (calls made concurrently). Anything left that differs is printed.
 *
 *   node packages/testkit/src/traffic-compare.ts <before-dir> <after-dir>
 */

const placeholders: [RegExp, string | ((match: string) => string)][] = [
  // Per-answer randomness that may hold no digit (before the token rule): CSP nonces, PKCE challenges, client ids.
  [/nonce=\\"[\w-]+\\"/g, 'nonce=<nonce>'],
  [/code_challenge=[\w-]+/g, 'code_challenge=<challenge>'],
  [/balai-[\w-]{16}\b/g, 'balai-<client>'],
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>'],
  [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g, '<time>'],
  // JWTs: three dot-separated base64url parts (matched whole, then checked: linear on long runs).
  [/[A-Za-z0-9_.-]{32,}/g, (match) => (/^[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}$/.test(match) ? '<jwt>' : match)],
  // Random tokens (codes, states, interaction ids): long runs of base64url holding a digit.
  [/[A-Za-z0-9_-]{20,}/g, (match) => (/\d/.test(match) ? '<token>' : match)],
  [/(127\.0\.0\.1|localhost)(:|%3A)\d+/g, '$1$2<port>'],
  // Rate-limit windows count down in wall-clock time.
  [/("retry-after":")\d+/g, '$1<s>'],
  [/try again in \d+ s/g, 'try again in <s> s'],
  // The tests' random suffixes (6 hex digits) in names and e-mail addresses.
  [/\b[0-9a-f]{6}\b/g, '<hex>'],
  [/\d{5,}/g, '<n>'],
];

/** Texts longer than this are compared by their start and their length (a probe's 8 MB body). */
const comparedLength = 10_000;

function bounded(value: unknown): unknown {
  return typeof value === 'string' && value.length > comparedLength
    ? `${value.slice(0, comparedLength)}… (${value.length} characters)`
    : value;
}

function normalise(text: string): string {
  let result = text;
  for (const [pattern, replacement] of placeholders) {
    result =
      typeof replacement === 'string' ? result.replace(pattern, replacement) : result.replace(pattern, replacement);
  }
  return result;
}

type Recording = Map<string, Set<string>>;

function read(directory: string): Map<string, Recording> {
  const files = new Map<string, Recording>();
  for (const name of readdirSync(directory).filter((file) => file.endsWith('.jsonl'))) {
    const tests: Recording = new Map();
    for (const line of readFileSync(join(directory, name), 'utf8').split('\n').filter(Boolean)) {
      const { test, ...recorded } = JSON.parse(line) as { test: string };
      const entry = Object.fromEntries(Object.entries(recorded).map(([name, value]) => [name, bounded(value)]));
      const key = normalise(test);
      if (!tests.has(key)) tests.set(key, new Set());
      tests.get(key)?.add(normalise(JSON.stringify(entry)));
    }
    files.set(name, tests);
  }
  return files;
}

const [beforeDirectory, afterDirectory] = process.argv.slice(2);
if (!beforeDirectory || !afterDirectory) {
  console.error('usage: traffic-compare <before-dir> <after-dir>');
  process.exit(2);
}
const before = read(beforeDirectory);
const after = read(afterDirectory);
let differences = 0;
let compared = 0;
for (const [file, tests] of before) {
  const other = after.get(file);
  if (!other) {
    console.log(`${file}: not recorded after`);
    differences += 1;
    continue;
  }
  for (const [test, entries] of tests) {
    const otherEntries = other.get(test) ?? new Set<string>();
    for (const entry of entries) {
      compared += 1;
      if (!otherEntries.has(entry)) {
        differences += 1;
        console.log(`${file} › ${test}\n  - ${entry.slice(0, 600)}`);
      }
    }
    for (const entry of otherEntries) {
      if (!entries.has(entry)) {
        differences += 1;
        console.log(`${file} › ${test}\n  + ${entry.slice(0, 600)}`);
      }
    }
  }
}
console.log(`${compared} distinct answers compared, ${differences} differences`);
process.exit(differences === 0 ? 0 : 1);
