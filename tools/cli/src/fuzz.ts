import { join } from 'node:path';
import pc from 'picocolors';
import { infraDown, infraUp } from './infra.ts';
import { run } from './processes.ts';
import { ensureSchemathesis } from './schemathesis.ts';
import { kafkaBrokers, mongoUrl, settings } from './settings.ts';

/**
 * The fuzzing tests: the contract (the whole platform in-process, schemathesis against its
 * /openapi.json) and gRPC (every method of every service, run from its build, with fast-check).
 */
const fuzzTests = ['tests/e2e/test/api-contract-fuzz.int.test.ts', 'tests/e2e/test/grpc-fuzz.int.test.ts'];

/**
 * `./balai fuzz`: installs schemathesis, brings the infrastructure up, builds, and runs the
 * fuzzing tests alone in the given profile (quick, as in `./balai test`, or long). Stops the
 * infrastructure it started unless told to keep it.
 */
export async function fuzz(options: { long: boolean; seed?: string; keepInfra: boolean }): Promise<number> {
  await ensureSchemathesis();
  const profile = options.long ? 'long' : 'quick';
  const started = await infraUp();
  const wall = Date.now();
  try {
    // The gRPC fuzzing runs the services from their builds.
    console.log(pc.bold(pc.cyan('\n==> build')));
    await run('pnpm', ['turbo', 'run', 'build', '--output-logs=errors-only']);
    console.log(pc.bold(pc.cyan(`\n==> fuzzing, ${profile} profile (${fuzzTests.join(', ')})`)));
    await run('pnpm', ['exec', 'vitest', 'run', '--project', 'integration', ...fuzzTests], {
      env: {
        KAFKA_BROKERS: kafkaBrokers(),
        MONGO_URL: mongoUrl(),
        BALAI_FUZZ_PROFILE: profile,
        ...(options.seed ? { BALAI_SCHEMATHESIS_SEED: options.seed } : {}),
      },
    });
    return 0;
  } catch (error) {
    console.error(pc.red(error instanceof Error ? error.message : String(error)));
    return 1;
  } finally {
    console.log(
      pc.dim(
        `\nfuzzing took ${((Date.now() - wall) / 1000).toFixed(0)} s; reports in ${join(settings.reports, `fuzz-${profile}`)}`,
      ),
    );
    if (!options.keepInfra && started.length > 0) await infraDown(started);
  }
}
