import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import pc from 'picocolors';
import { CliError, run } from './processes.ts';
import { settings } from './settings.ts';

/**
 * Debian's Chromium, which the browser test (tests/e2e/test/browser-app.int.test.ts) drives with
 * playwright-core. Installed with apt-get when missing, so a fresh CI machine runs the test; a
 * machine without apt-get (or without the right to use it) fails here, saying what to install.
 * CHROMIUM_PATH names another Chromium (the test reads it too), which is then only checked.
 */
const debianChromium = '/usr/bin/chromium';
const chromiumPath = settings.chromium;

function version(): string {
  const probe = spawnSync(chromiumPath, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : 'chromium';
}

export async function ensureChromium(): Promise<string> {
  if (existsSync(chromiumPath)) {
    console.log(`${pc.green('✔')} ${version()} at ${chromiumPath}`);
    return chromiumPath;
  }
  const howTo =
    `the browser test needs Chromium at ${debianChromium}: on Debian, apt-get install --no-install-recommends chromium ` +
    '(Ubuntu ships it as a snap instead: install Debian’s package or run the tests in the CI image); elsewhere ' +
    'install Chromium and set CHROMIUM_PATH for the test';
  if (chromiumPath !== debianChromium) throw new CliError(`CHROMIUM_PATH is ${chromiumPath}, which does not exist`);
  if (!existsSync('/usr/bin/apt-get')) throw new CliError(howTo);
  // apt-get needs root: as root directly, otherwise through sudo without a password prompt.
  const prefix = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const aptGet = (args: string[]) => {
    const [command = 'env', ...rest] = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args];
    return run(command, rest);
  };
  console.log(pc.bold('chromium: installing with apt-get (about a minute)'));
  try {
    await aptGet(['update']);
    await aptGet(['install', '-y', '--no-install-recommends', 'chromium']);
  } catch (error) {
    throw new CliError(`${howTo}. Installing it failed: ${error instanceof Error ? error.message : error}`);
  }
  if (!existsSync(chromiumPath)) throw new CliError(`${howTo}. apt-get finished but ${chromiumPath} is missing`);
  console.log(`${pc.green('✔')} ${version()} installed at ${chromiumPath}`);
  return chromiumPath;
}
