import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import { CliError, run } from './processes.ts';
import { settings } from './settings.ts';

/**
 * Schemathesis, the contract fuzzer (tests/fuzz/README.md), from PyPI into a venv of its own
 * under .tools/, pinned with everything it pulls in by tests/fuzz/requirements.txt. The venv is
 * rebuilt whenever that file changes (its hash is kept next to it); the fuzz test checks the
 * same venv and says how to install it when it is missing.
 */
const requirementsFile = join(settings.root, 'tests/fuzz/requirements.txt');
const venv = join(settings.tools, 'schemathesis');
const stampFile = join(venv, '.requirements-sha256');
/** Schemathesis 4 needs Python 3.11 or newer. */
const minimumPython = [3, 11] as const;

function pinnedVersion(requirements: string): string {
  const version = /^schemathesis==(\S+)$/m.exec(requirements)?.[1];
  if (!version) throw new CliError(`${requirementsFile} does not pin schemathesis==<version>`);
  return version;
}

/** The first Python on PATH that is new enough and can make a venv with pip in it. */
function findPython(): string {
  const found: string[] = [];
  for (const candidate of ['python3.13', 'python3.12', 'python3.11', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])'], {
      encoding: 'utf8',
    });
    if (probe.error) continue;
    const version = probe.stdout.trim();
    if (probe.status !== 0) {
      found.push(`${candidate} (without the venv module)`);
      continue;
    }
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major > minimumPython[0] || (major === minimumPython[0] && minor >= minimumPython[1])) return candidate;
    found.push(`${candidate} ${version}`);
  }
  throw new CliError(
    `the contract fuzzing (schemathesis) needs Python ${minimumPython.join('.')} or newer with its venv module; ` +
      `${found.length > 0 ? `found only ${found.join(', ')}` : 'found no python3 on PATH'}. ` +
      'Debian/Ubuntu: apt-get install python3 python3-venv (python3.11-venv on older releases); ' +
      'macOS: brew install python@3.12.',
  );
}

/**
 * Makes sure the pinned schemathesis is installed in .tools/schemathesis; returns its `st`. The
 * first run downloads it and its dependencies from PyPI (about a minute); later runs only compare
 * the requirements' hash.
 */
export async function ensureSchemathesis(): Promise<string> {
  const requirements = readFileSync(requirementsFile, 'utf8');
  const version = pinnedVersion(requirements);
  const hash = createHash('sha256').update(requirements).digest('hex');
  const st = join(venv, 'bin', 'st');
  if (existsSync(st) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === hash) {
    console.log(`${pc.green('✔')} schemathesis ${version} installed in .tools/schemathesis`);
    return st;
  }
  const python = findPython();
  const started = Date.now();
  console.log(pc.bold(`schemathesis ${version}: installing from PyPI into .tools/schemathesis (${python})`));
  rmSync(venv, { recursive: true, force: true });
  try {
    await run(python, ['-m', 'venv', venv]);
    // pip prints each package as it is collected and downloaded, with progress bars in a terminal.
    await run(join(venv, 'bin', 'python'), [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-input',
      '--requirement',
      requirementsFile,
    ]);
  } catch (error) {
    rmSync(venv, { recursive: true, force: true });
    throw new CliError(
      `could not install schemathesis ${version} (is PyPI reachable?): ${error instanceof Error ? error.message : error}`,
    );
  }
  writeFileSync(stampFile, `${hash}\n`);
  console.log(`${pc.green('✔')} schemathesis ${version} installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return st;
}
