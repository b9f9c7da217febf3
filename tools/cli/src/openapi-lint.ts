import { join } from 'node:path';
import { run } from './processes.ts';
import { settings } from './settings.ts';

/** Where the lint writes the document it checks (also read by whoever wants the file). */
export const openApiReport = join(settings.reports, 'openapi.json');

/**
 * Writes the gateway's OpenAPI document (built from the source, no platform running) and lints
 * it with Redocly CLI and Spectral, with the repository's redocly.yaml and .spectral.yaml. Fails
 * on any error of either; warnings are printed (each one left has its reason in the config).
 * Offline: Redocly's telemetry and update check are off.
 */
export async function lintOpenApi(): Promise<void> {
  await run('pnpm', ['--silent', '--filter', '@balai/gateway', 'run', 'openapi', openApiReport]);
  const offline = { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  await run('pnpm', ['exec', 'redocly', 'lint', openApiReport, '--config=redocly.yaml', '--format=stylish'], {
    env: offline,
  });
  await run('pnpm', [
    'exec',
    'spectral',
    'lint',
    openApiReport,
    '--ruleset=.spectral.yaml',
    '--fail-severity=error',
    '--format=stylish',
  ]);
}
