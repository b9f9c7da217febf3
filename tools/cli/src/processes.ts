import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { settings } from './settings.ts';

export class CliError extends Error {
  override name = 'CliError';
}

function pidFile(name: string): string {
  return join(settings.run, `${name}.pid`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid we started under this name, if that process still runs. */
export function runningPid(name: string): number | undefined {
  const file = pidFile(name);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return pid;
  rmSync(file, { force: true });
  return undefined;
}

/** When the process we started under this name started (its pid file is written then), if it still runs. */
export function runningSince(name: string): Date | undefined {
  if (runningPid(name) === undefined) return undefined;
  try {
    return statSync(pidFile(name)).mtime;
  } catch {
    return undefined;
  }
}

/** Starts a long-running process in its own process group, logging to logs/<name>.log. */
export function startDetached(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  mkdirSync(settings.logs, { recursive: true });
  mkdirSync(settings.run, { recursive: true });
  const logPath = join(settings.logs, `${name}.log`);
  const log = openSync(logPath, 'a');
  const child = spawn(command, args, {
    cwd: settings.root,
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, ...env },
  });
  closeSync(log);
  if (child.pid === undefined) throw new CliError(`could not start ${name} (${command})`);
  child.unref();
  writeFileSync(pidFile(name), String(child.pid));
  return child.pid;
}

/** Stops a process we started (by its pid file): SIGTERM to its group, SIGKILL after a grace period. */
export async function stopByPidFile(name: string, graceMs = 20_000): Promise<boolean> {
  const pid = runningPid(name);
  if (pid === undefined) return false;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) signal('SIGKILL');
  while (isAlive(pid)) await sleep(50);
  rmSync(pidFile(name), { force: true });
  return true;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when something accepts connections on 127.0.0.1:port. */
export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** True when we could listen on 127.0.0.1:port ourselves. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function requirePortsFree(owner: string, ports: Array<[string, number, string]>): Promise<void> {
  for (const [what, port, variable] of ports) {
    if (!(await portFree(port))) {
      throw new CliError(
        `port ${port} (${what}) is already taken by another program, so ${owner} cannot start.\n` +
          `Stop that program, or choose another port: ${variable}=<port> ./balai ...`,
      );
    }
  }
}

/** Checks a command exists and, optionally, its version; explains what to install if not. */
export function requireTool(
  command: string,
  versionArgs: string[],
  check: (output: string) => string | undefined,
): void {
  const result = spawnSync(command, versionArgs, { encoding: 'utf8' });
  if (result.error) {
    throw new CliError(
      `${command} is not installed (needed for the Docker-free local infrastructure). ${hint(command)}`,
    );
  }
  const problem = check(`${result.stdout}\n${result.stderr}`);
  if (problem) throw new CliError(`${command}: ${problem}. ${hint(command)}`);
}

function hint(command: string): string {
  switch (command) {
    case 'java':
      return 'Install Java 17 or newer (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17).';
    case 'mvn':
      return 'Install Apache Maven 3.6+ (Debian/Ubuntu: apt-get install maven; macOS: brew install maven).';
    case 'go':
      return 'Install Go 1.24 or newer (https://go.dev/doc/install; Debian backports: golang-1.24; macOS: brew install go).';
    default:
      return '';
  }
}

/** Runs a command in the foreground, streaming its output; throws on a non-zero exit. */
export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? settings.root,
      stdio: 'inherit',
      env: { ...process.env, ...options.env },
    });
    child.once('error', (error) => reject(new CliError(`cannot run ${command}: ${error.message}`)));
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new CliError(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}
