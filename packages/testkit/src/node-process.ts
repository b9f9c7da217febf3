import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { onProcessEnd } from './process-cleanup.js';
import { repositoryRoot } from './repository.js';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A Node.js program a test started as a child process. */
export interface NodeProcess {
  readonly pid: number;
  /** How it ended, once it has. */
  readonly exitStatus: ProcessExit | undefined;
  /** Resolves when the process has exited, whatever ended it. */
  readonly exited: Promise<ProcessExit>;
  /** What it wrote to stdout and stderr (stderr lines marked), oldest lines dropped past 5,000. */
  output(): string;
  /**
   * The first line, already written or still to come, for which `match` returns a value.
   * Rejects with the output when the process exits first or `timeoutMs` passes.
   */
  waitForLine<T>(match: (line: string) => T | undefined, options?: { timeoutMs?: number; what?: string }): Promise<T>;
  /** Sends `signal` (SIGKILL unless named) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<ProcessExit>;
}

export interface StartNodeProcessOptions<T> {
  /** The program, absolute or relative to the repository root. */
  script: string;
  args?: string[];
  /** The child's whole environment besides PATH, HOME and TMPDIR: nothing else of the test run leaks in. */
  env: Record<string, string>;
  /** Options for node itself, e.g. ['--import', './instrument.js'] or ['--conditions=balai-source']. */
  nodeArgs?: string[];
  /** Says the program is ready (returning what the test needs from that line, e.g. ports). */
  ready: (line: string) => T | undefined;
  timeoutMs?: number;
}

const maxLines = 5_000;

/**
 * Starts `node <nodeArgs> <script> <args>` with exactly the given environment and resolves,
 * with what `ready` returned, once the program wrote the line that says it is ready. If it
 * exits (or the timeout passes) first, the promise rejects with its output.
 */
export async function startNodeProcess<T>(options: StartNodeProcessOptions<T>): Promise<NodeProcess & { ready: T }> {
  const script = isAbsolute(options.script) ? options.script : join(repositoryRoot(), options.script);
  const base: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR'] as const) {
    const value = process.env[name];
    if (value !== undefined) base[name] = value;
  }
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...(options.args ?? [])], {
    cwd: repositoryRoot(),
    env: { ...base, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    const error = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`cannot start ${script}: ${error.message}`);
  }
  // A test that fails before its afterAll stopped the child must not leave a service running
  // (it would go on consuming from the shared broker).
  const forget = onProcessEnd(() => child.kill('SIGKILL'));
  child.once('exit', forget);
  const pid = child.pid;
  const lines: Array<{ text: string; stderr: boolean }> = [];
  const listeners = new Set<(line: string) => void>();
  let exitStatus: ProcessExit | undefined;
  // 'close', not 'exit': by then stdout and stderr are drained, so the output is complete.
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('close', (code, signal) => {
      exitStatus = { code, signal };
      resolve(exitStatus);
    });
  });

  const collect = (stream: NodeJS.ReadableStream, stderr: boolean) => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push({ text: line, stderr });
        if (lines.length > maxLines) lines.shift();
        for (const listener of listeners) listener(line);
      }
    });
  };
  if (child.stdout) collect(child.stdout, false);
  if (child.stderr) collect(child.stderr, true);

  const output = () => lines.map((line) => (line.stderr ? `[stderr] ${line.text}` : line.text)).join('\n');
  const describeExit = (status: ProcessExit) =>
    status.signal ? `was killed by ${status.signal}` : `exited with code ${status.code}`;

  function waitForLine<R>(
    match: (line: string) => R | undefined,
    waitOptions: { timeoutMs?: number; what?: string } = {},
  ): Promise<R> {
    const what = waitOptions.what ?? 'the expected line';
    for (const line of lines) {
      const found = match(line.text);
      if (found !== undefined) return Promise.resolve(found);
    }
    return new Promise<R>((resolve, reject) => {
      const finish = (settle: () => void) => {
        listeners.delete(listener);
        clearTimeout(timer);
        settle();
      };
      const listener = (line: string) => {
        const found = match(line);
        if (found !== undefined) finish(() => resolve(found));
      };
      listeners.add(listener);
      const timer = setTimeout(
        () => finish(() => reject(new Error(`${script} did not write ${what} in time. Output:\n${output()}`))),
        waitOptions.timeoutMs ?? 30_000,
      );
      void exited.then((status) =>
        finish(() => reject(new Error(`${script} ${describeExit(status)} before ${what}. Output:\n${output()}`))),
      );
    });
  }

  const handle: NodeProcess = {
    pid,
    get exitStatus() {
      return exitStatus;
    },
    exited,
    output,
    waitForLine,
    kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (exitStatus === undefined) child.kill(signal);
      return exited;
    },
  };
  try {
    const ready = await waitForLine(options.ready, { timeoutMs: options.timeoutMs ?? 30_000, what: 'its ready line' });
    return Object.assign(handle, { ready });
  } catch (error) {
    await handle.kill('SIGKILL');
    throw error;
  }
}

/** A service running from its built dist/main.js in a child process. */
export interface ServiceProcess extends NodeProcess {
  /** Undefined for a service without a gRPC server (the gateway). */
  grpcPort: number | undefined;
  httpPort: number;
  /** /metrics, /healthz, /readyz: the HTTP port of a service, the gateway's own ops port. */
  opsPort: number;
  /** Graceful stop (SIGTERM, as an orchestrator would); resolves once exited. */
  stop(): Promise<ProcessExit>;
}

const levelsHidingInfo = new Set(['warn', 'error', 'fatal', 'silent']);

/**
 * Runs `services/<service>/dist/main.js` (build first: `pnpm turbo run build`) with `env` as its
 * whole configuration, and resolves with the ports from its "<service> service started" log
 * line (startService and the gateway log it). That line is logged at info, so a quieter
 * LOG_LEVEL is raised to info.
 */
export async function startServiceProcess(options: {
  service: string;
  env: Record<string, string>;
  nodeArgs?: string[];
  timeoutMs?: number;
}): Promise<ServiceProcess> {
  const script = join(repositoryRoot(), 'services', options.service, 'dist', 'main.js');
  if (!existsSync(script)) {
    throw new Error(`${script} does not exist: build the services first (pnpm turbo run build)`);
  }
  const env = { ...options.env };
  if (levelsHidingInfo.has(env.LOG_LEVEL ?? '')) env.LOG_LEVEL = 'info';
  const started = `${options.service} service started`;
  const child = await startNodeProcess({
    script,
    env,
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ready: (line) => {
      if (!line.includes(started)) return undefined;
      try {
        const record = JSON.parse(line) as { msg?: string; grpcPort?: number; httpPort?: number; opsPort?: number };
        if (record.msg !== started || typeof record.httpPort !== 'number') return undefined;
        return { grpcPort: record.grpcPort, httpPort: record.httpPort, opsPort: record.opsPort ?? record.httpPort };
      } catch {
        return undefined;
      }
    },
  });
  return Object.assign(child, {
    grpcPort: child.ready.grpcPort,
    httpPort: child.ready.httpPort,
    opsPort: child.ready.opsPort,
    stop: () => child.kill('SIGTERM'),
  });
}
