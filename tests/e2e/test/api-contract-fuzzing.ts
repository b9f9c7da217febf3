import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseXml, xmlChildren } from '@balai/testkit/open311';

/**
 * Running schemathesis (the contract fuzzer, tests/fuzz/README.md) from a test: its profiles,
 * where the project installs it, the command line, and reading its reports back.
 */

export const repositoryRoot = resolve(import.meta.dirname, '../../..');
const fuzzDir = join(repositoryRoot, 'tests/fuzz');
/** Where `./balai fuzz` and `./balai test` install it (tools/cli/src/schemathesis.ts). */
const venv = join(repositoryRoot, '.tools/schemathesis');

export interface FuzzProfile {
  name: 'quick' | 'long';
  /** Cases generated per operation in each pass of the fuzzing phase. */
  maxExamples: number;
  /** The whole run's budget; passes repeat until it is spent. None: one pass, however long. */
  maxTimeSeconds?: number;
  /** How long the test may take in all. */
  testTimeoutMs: number;
}

const profiles: Record<FuzzProfile['name'], FuzzProfile> = {
  // Inside `./balai test`: a fixed budget, so the CI run's length does not depend on the machine.
  quick: { name: 'quick', maxExamples: 25, maxTimeSeconds: 150, testTimeoutMs: 10 * 60_000 },
  // `./balai fuzz --long`: a thousand cases per operation, besides the coverage and stateful phases.
  long: { name: 'long', maxExamples: 1000, testTimeoutMs: 6 * 3_600_000 },
};

/** BALAI_FUZZ_PROFILE: quick (the default) or long. */
export function fuzzProfile(value: string | undefined): FuzzProfile {
  const name = value === undefined || value === '' ? 'quick' : value;
  const profile = profiles[name as FuzzProfile['name']];
  if (!profile) throw new Error(`BALAI_FUZZ_PROFILE must be quick or long, not "${value}"`);
  return profile;
}

/**
 * The `st` of the pinned schemathesis, or an error saying how to install it: the test never
 * skips for want of it.
 */
export function schemathesisExecutable(): string {
  const pinned = /^schemathesis==(\S+)$/m.exec(readFileSync(join(fuzzDir, 'requirements.txt'), 'utf8'))?.[1];
  const st = join(venv, 'bin', 'st');
  const installed = existsSync(st) ? spawnSync(st, ['--version'], { encoding: 'utf8' }).stdout : '';
  if (!pinned || !installed.includes(`version ${pinned}`)) {
    throw new Error(
      `schemathesis ${pinned} is not installed in .tools/schemathesis${installed ? ` (found: ${installed.trim()})` : ''}. ` +
        'Install it with `./balai fuzz --install-only` (`./balai test` and `./balai fuzz` install it themselves; ' +
        'it needs Python 3.11+ with venv).',
    );
  }
  return st;
}

/** The checks the run holds the API to; any failure of one fails the test. */
export const contractChecks = [
  'not_a_server_error',
  'response_schema_conformance',
  'status_code_conformance',
  'content_type_conformance',
];

export interface SchemathesisRun {
  exitCode: number | null;
  /** Seconds the run took. */
  seconds: number;
}

/**
 * Runs `st run` against the gateway's document, with the project's hooks, writing its output to
 * `<reportDir>/schemathesis.log` and its reports (JSON, JUnit) to `reportDir`. `progress` is
 * called every 30 s.
 */
export function runSchemathesis(options: {
  st: string;
  openapiUrl: string;
  profile: FuzzProfile;
  reportDir: string;
  env: Record<string, string>;
  seed?: string;
  progress?: (elapsedSeconds: number) => void;
}): Promise<SchemathesisRun> {
  const { profile, reportDir } = options;
  const args = [
    `--config-file=${join(fuzzDir, 'schemathesis.toml')}`,
    'run',
    options.openapiUrl,
    `--checks=${contractChecks.join(',')}`,
    `--max-examples=${profile.maxExamples}`,
    ...(profile.maxTimeSeconds ? [`--max-time=${profile.maxTimeSeconds}`] : []),
    ...(options.seed ? [`--seed=${options.seed}`] : []),
    // One worker: the hooks and Hypothesis are CPU-bound Python (threads would not add much), and
    // Python 3.11 before 3.11.8 fails now and then parsing ASTs in several threads (cpython#106905).
    '--workers=1',
    '--continue-on-failure',
    '--request-timeout=15',
    // The tokens are this run's own and printed in the failures, so a failure names its role.
    '--output-sanitize=false',
    '--generation-database=none',
    '--report=json,junit',
    `--report-dir=${reportDir}`,
    `--report-json-path=${join(reportDir, 'report.json')}`,
    `--report-junit-path=${join(reportDir, 'junit.xml')}`,
    '--no-color',
  ];
  const started = Date.now();
  const log = openSync(join(reportDir, 'schemathesis.log'), 'w');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(options.st, args, {
      cwd: reportDir,
      env: {
        ...process.env,
        ...options.env,
        PYTHONPATH: fuzzDir,
        SCHEMATHESIS_HOOKS: 'hooks',
        PYTHONUNBUFFERED: '1',
        // No __pycache__ beside the hooks in the source tree.
        PYTHONDONTWRITEBYTECODE: '1',
      },
      stdio: ['ignore', log, log],
    });
    const ticker = setInterval(() => options.progress?.(Math.round((Date.now() - started) / 1000)), 30_000);
    const finish = () => {
      clearInterval(ticker);
      closeSync(log);
    };
    child.once('error', (error) => {
      finish();
      reject(error);
    });
    child.once('exit', (exitCode) => {
      finish();
      resolvePromise({ exitCode, seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}

/** What report.json says of the run (schemathesis' JSON run report). */
export interface RunReport {
  seed: string;
  running_time: number;
  stop_reason: string;
  operations: { total: number; selected: number; tested: number; errored: number; skipped: number };
  test_cases: { generated: number; with_failures: number; unique_failures: number; errored: number };
  failures: Array<{ code: string; title: string; count: number; operations: string[] }>;
  errors: unknown[];
  warnings: Record<string, unknown[]>;
}

export function readRunReport(reportDir: string): RunReport {
  const path = join(reportDir, 'report.json');
  if (!existsSync(path)) {
    throw new Error(`schemathesis wrote no report (${path}); see ${join(reportDir, 'schemathesis.log')}`);
  }
  const text = readFileSync(path, 'utf8');
  // The seed is a 128-bit integer: kept as written, not as the nearest double.
  return { ...(JSON.parse(text) as RunReport), seed: /"seed":\s*(\d+)/.exec(text)?.[1] ?? '?' };
}

/** One failed operation from junit.xml: its label and schemathesis' own account (cases, curl). */
export interface OperationFailure {
  operation: string;
  kind: 'failure' | 'error';
  text: string;
}

export function readFailures(reportDir: string): OperationFailure[] {
  const path = join(reportDir, 'junit.xml');
  if (!existsSync(path)) return [];
  const failures: OperationFailure[] = [];
  for (const suite of xmlChildren(parseXml(readFileSync(path, 'utf8')), 'testsuite')) {
    for (const testcase of xmlChildren(suite, 'testcase')) {
      for (const kind of ['failure', 'error'] as const) {
        for (const element of xmlChildren(testcase, kind)) {
          failures.push({
            operation: testcase.getAttribute('name') ?? '?',
            kind,
            text: element.textContent ?? element.getAttribute('message') ?? '',
          });
        }
      }
    }
  }
  return failures;
}
