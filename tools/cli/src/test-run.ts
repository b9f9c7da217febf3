import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import { ensureChromium } from './chromium.ts';
import { infraDown, infraUp } from './infra.ts';
import { lintOpenApi } from './openapi-lint.ts';
import { CliError, run } from './processes.ts';
import { ensureSchemathesis } from './schemathesis.ts';
import { kafkaBrokers, mongoUrl, settings } from './settings.ts';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
}

async function step(name: string, action: () => Promise<void>): Promise<void> {
  const started = Date.now();
  console.log(pc.bold(pc.cyan(`\n==> ${name}`)));
  await action();
  console.log(pc.dim(`    ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s`));
}

/**
 * Fails when a package's committed generated files differ from a fresh generation: the proto
 * contracts (code and event docs) and the web client (the OpenAPI document and its types).
 */
async function checkGeneratedUpToDate(packageName: string, generated: string[], command: string): Promise<void> {
  await run('pnpm', ['--filter', packageName, 'run', 'generate']);
  await run('git', ['diff', '--exit-code', '--stat', '--', ...generated]).catch(() => {
    throw new CliError(`generated files are stale: run \`${command}\` and commit ${generated.join(', ')}`);
  });
  const untracked = `test -z "$(git status --porcelain --untracked-files=all -- ${generated.join(' ')})"`;
  await run('bash', ['-c', untracked]).catch(() => {
    throw new CliError(`generation produced files that are not committed: commit ${generated.join(', ')}`);
  });
}

function checkContractsUpToDate(): Promise<void> {
  return checkGeneratedUpToDate(
    '@balai/contracts',
    ['packages/contracts/src/gen', 'docs/events'],
    'pnpm contracts:generate',
  );
}

/** The client is generated from the gateway's routes: a route change without regeneration fails here. */
function checkClientUpToDate(): Promise<void> {
  return checkGeneratedUpToDate(
    '@balai/client',
    ['packages/client/openapi.json', 'packages/client/src/gen'],
    'pnpm --filter @balai/client generate',
  );
}

/**
 * The README's test command: infrastructure up, schemathesis and Chromium installed (the contract
 * fuzzing and browser tests run them), lint, generated-code checks (contracts, client), typecheck,
 * build, unit and integration tests, infrastructure down (always). Ends with "N passed, N failed".
 */
export async function testAll(options: { keepInfra: boolean }): Promise<number> {
  const report = join(settings.reports, 'vitest.json');
  let started: string[] = [];
  let totals: VitestJson | undefined;
  let failure: unknown;
  const wall = Date.now();
  try {
    await step('infrastructure', async () => {
      started = await infraUp();
    });
    // Before anything slow: a machine without Python 3.11 fails here, saying what to install.
    await step('schemathesis (contract fuzzing)', async () => {
      await ensureSchemathesis();
    });
    // The browser test (tests/e2e browser-app) drives Debian's Chromium.
    await step('chromium (browser test)', async () => {
      await ensureChromium();
    });
    await step('lint', async () => {
      await run('pnpm', ['exec', 'biome', 'ci', '.']);
      await run('pnpm', ['--filter', '@balai/contracts', 'run', 'lint']);
      await checkContractsUpToDate();
      await checkClientUpToDate();
      await lintOpenApi();
    });
    await step('typecheck and build', () =>
      run('pnpm', ['turbo', 'run', 'typecheck', 'build', '--output-logs=errors-only']),
    );
    await step('unit and integration tests', async () => {
      mkdirSync(settings.reports, { recursive: true });
      rmSync(report, { force: true });
      try {
        await run(
          'pnpm',
          ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
          { env: { KAFKA_BROKERS: kafkaBrokers(), MONGO_URL: mongoUrl() } },
        );
      } finally {
        if (existsSync(report)) totals = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
      }
    });
  } catch (error) {
    failure = error;
  } finally {
    if (!options.keepInfra && started.length > 0) await step('stop infrastructure', () => infraDown(started));
  }
  console.log(pc.dim(`\nwhole run took ${((Date.now() - wall) / 1000).toFixed(0)} s`));
  if (failure) console.error(pc.red(`\n${failure instanceof Error ? failure.message : String(failure)}`));
  const passed = totals?.numPassedTests ?? 0;
  const failed = (totals?.numFailedTests ?? 0) + (failure && !totals?.numFailedTests ? 1 : 0);
  const skipped = (totals?.numPendingTests ?? 0) + (totals?.numTodoTests ?? 0);
  console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  return failure || failed > 0 ? 1 : 0;
}
