import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import pc from 'picocolors';
import { CliError, sleep } from './processes.ts';

/*
 * Keeps the platform's processes up while `./balai up` runs. A process that dies after it was
 * ready is started again after a backoff; one that keeps crashing is given up on, and the others
 * keep running. Everything it knows is written to a state file, which `./balai status` reads.
 */

/** One long-running program to keep up. */
export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  /** The whole environment of the program. */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Its ops HTTP port: ready once http://127.0.0.1:<opsPort>/readyz answers 2xx; kept across restarts. */
  opsPort: number;
  /** stdout and stderr are appended here, across restarts. */
  logPath: string;
  /** Each line the program writes, e.g. to show it on the console too. */
  onLine?: (line: string) => void;
}

export type ProcessState = 'starting' | 'ready' | 'restarting' | 'given-up' | 'stopped';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: string;
}

/** What the state file says about one process. */
export interface ProcessRecord {
  name: string;
  pid: number | null;
  startedAt: string | null;
  readyAt: string | null;
  restarts: number;
  lastExit: ProcessExit | null;
  state: ProcessState;
  /** When the next attempt starts, while restarting. */
  restartAt: string | null;
  opsPort: number;
  logPath: string;
}

export interface SupervisorState {
  /** The `./balai up` process: once it is gone, the records are stale. */
  supervisorPid: number;
  updatedAt: string;
  /** In start order. */
  processes: Record<string, ProcessRecord>;
}

export type SupervisorEvent =
  | { type: 'exited'; name: string; exit: ProcessExit; restartInMs: number; logPath: string }
  | { type: 'not-ready'; name: string; timeoutMs: number; logPath: string }
  | { type: 'recovered'; name: string; pid: number; restarts: number }
  | { type: 'gave-up'; name: string; crashes: number; logPath: string }
  | { type: 'stopped'; name: string };

export interface RestartPolicy {
  firstBackoffMs: number;
  maxBackoffMs: number;
  /** Ready this long, a process counts as recovered: its next crash starts the backoff afresh. */
  stableAfterMs: number;
  /** Crashes in a row (none of them after a stable run) it is restarted for, before giving up. */
  maxRestartsInARow: number;
  readyTimeoutMs: number;
  readyPollMs: number;
  /** Between SIGTERM and SIGKILL when stopping. */
  stopGraceMs: number;
}

/** 1 s doubling to 30 s: ten restarts that do not hold take about three minutes, then it gives up. */
export const defaultRestartPolicy: RestartPolicy = {
  firstBackoffMs: 1_000,
  maxBackoffMs: 30_000,
  stableAfterMs: 60_000,
  maxRestartsInARow: 10,
  readyTimeoutMs: 60_000,
  readyPollMs: 200,
  stopGraceMs: 15_000,
};

export interface SupervisorOptions {
  stateFile: string;
  policy?: Partial<RestartPolicy>;
  /** Where restarts, recoveries and give-ups are told; printed by default. */
  report?: (event: SupervisorEvent) => void;
}

/** One start of a process, from spawn to exit. */
interface Run {
  child: ChildProcess;
  exit: ProcessExit | undefined;
  exited: Promise<ProcessExit>;
}

interface Supervised {
  spec: ProcessSpec;
  record: ProcessRecord;
  run: Run | undefined;
  /** Until its first start succeeded, a process that exits is not restarted: `up` fails instead. */
  supervised: boolean;
  /** Crashes since it last ran stably; drives both the backoff and the give-up. */
  crashesInARow: number;
  restartTimer: NodeJS.Timeout | undefined;
}

export class Supervisor {
  readonly #stateFile: string;
  readonly #policy: RestartPolicy;
  readonly #report: (event: SupervisorEvent) => void;
  readonly #processes: Supervised[] = [];
  #stopping = false;
  #stopped: Promise<void> | undefined;

  constructor(options: SupervisorOptions) {
    this.#stateFile = options.stateFile;
    this.#policy = { ...defaultRestartPolicy, ...options.policy };
    this.#report = options.report ?? printEvent;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /**
   * Starts a process and resolves once it is ready. If it exits first or is not ready in time,
   * rejects, and the process is not restarted (a failing start-up is for the caller to handle).
   */
  async start(spec: ProcessSpec): Promise<void> {
    if (this.stopping) throw new CliError(`${spec.name}: not started, the supervisor is stopping`);
    if (this.#processes.some((entry) => entry.spec.name === spec.name))
      throw new CliError(`${spec.name} is already supervised`);
    const entry: Supervised = {
      spec,
      record: {
        name: spec.name,
        pid: null,
        startedAt: null,
        readyAt: null,
        restarts: 0,
        lastExit: null,
        state: 'starting',
        restartAt: null,
        opsPort: spec.opsPort,
        logPath: spec.logPath,
      },
      run: undefined,
      supervised: false,
      crashesInARow: 0,
      restartTimer: undefined,
    };
    this.#processes.push(entry);
    const run = this.#spawn(entry);
    const outcome = await this.#waitReady(run, spec.opsPort);
    if (outcome === 'ready') {
      entry.supervised = true;
      this.#update(entry, { state: 'ready', readyAt: new Date().toISOString() });
      return;
    }
    // A process that is not ready is left as it is: stop() ends it along with the rest.
    const how =
      outcome === 'timed-out'
        ? `was not ready within ${formatDelay(this.#policy.readyTimeoutMs)}`
        : run.exit
          ? describeExit(run.exit)
          : 'was stopped';
    throw new CliError(`${spec.name} ${how} during start-up (see ${spec.logPath})`);
  }

  /** Stops every process in reverse start order (SIGTERM, SIGKILL after the grace period); no restarts from now on. */
  stop(): Promise<void> {
    this.#stopping = true;
    this.#stopped ??= this.#stopAll();
    return this.#stopped;
  }

  snapshot(): SupervisorState {
    return {
      supervisorPid: process.pid,
      updatedAt: new Date().toISOString(),
      processes: Object.fromEntries(this.#processes.map((entry) => [entry.spec.name, { ...entry.record }])),
    };
  }

  async #stopAll(): Promise<void> {
    for (const entry of this.#processes) clearTimeout(entry.restartTimer);
    for (const entry of [...this.#processes].reverse()) {
      const run = entry.run;
      if (run && run.exit === undefined) {
        run.child.kill('SIGTERM');
        if (!(await exitsWithin(run, this.#policy.stopGraceMs))) {
          run.child.kill('SIGKILL');
          await run.exited;
        }
        this.#report({ type: 'stopped', name: entry.spec.name });
      }
      this.#update(entry, { state: 'stopped', pid: null, restartAt: null });
    }
    rmSync(this.#stateFile, { force: true });
  }

  #spawn(entry: Supervised): Run {
    const { spec } = entry;
    mkdirSync(dirname(spec.logPath), { recursive: true });
    const log = createWriteStream(spec.logPath, { flags: 'a' });
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        log.write(`${line}\n`);
        spec.onLine?.(line);
      });
    }
    // 'close' comes after the output is drained, so the log gets the last lines too.
    child.once('close', () => log.end());
    const exited = Promise.withResolvers<ProcessExit>();
    const run: Run = { child, exit: undefined, exited: exited.promise };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (run.exit) return;
      run.exit = { code, signal, at: new Date().toISOString() };
      exited.resolve(run.exit);
      this.#exited(entry, run.exit);
    };
    child.once('exit', onExit);
    // A program that cannot be started at all may not emit 'exit'.
    child.once('error', () => {
      if (child.pid === undefined) onExit(null, null);
    });
    entry.run = run;
    this.#update(entry, {
      state: 'starting',
      pid: child.pid ?? null,
      startedAt: new Date().toISOString(),
      readyAt: null,
      restartAt: null,
    });
    return run;
  }

  #exited(entry: Supervised, exit: ProcessExit): void {
    if (this.stopping || !entry.supervised) {
      this.#update(entry, { state: 'stopped', pid: null, lastExit: exit });
      return;
    }
    const { readyAt } = entry.record;
    const ranStably = readyAt !== null && Date.parse(exit.at) - Date.parse(readyAt) >= this.#policy.stableAfterMs;
    entry.crashesInARow = ranStably ? 1 : entry.crashesInARow + 1;
    if (entry.crashesInARow > this.#policy.maxRestartsInARow) {
      this.#update(entry, { state: 'given-up', pid: null, lastExit: exit });
      this.#report({
        type: 'gave-up',
        name: entry.spec.name,
        crashes: entry.crashesInARow,
        logPath: entry.spec.logPath,
      });
      return;
    }
    const delay = Math.min(this.#policy.firstBackoffMs * 2 ** (entry.crashesInARow - 1), this.#policy.maxBackoffMs);
    this.#update(entry, {
      state: 'restarting',
      pid: null,
      lastExit: exit,
      restartAt: new Date(Date.now() + delay).toISOString(),
    });
    this.#report({ type: 'exited', name: entry.spec.name, exit, restartInMs: delay, logPath: entry.spec.logPath });
    entry.restartTimer = setTimeout(() => void this.#restart(entry), delay);
  }

  async #restart(entry: Supervised): Promise<void> {
    entry.restartTimer = undefined;
    if (this.stopping) return;
    entry.record.restarts += 1;
    const run = this.#spawn(entry);
    const outcome = await this.#waitReady(run, entry.spec.opsPort);
    if (outcome === 'ready') {
      this.#update(entry, { state: 'ready', readyAt: new Date().toISOString() });
      this.#report({
        type: 'recovered',
        name: entry.spec.name,
        pid: run.child.pid ?? 0,
        restarts: entry.record.restarts,
      });
    } else if (outcome === 'timed-out') {
      // Hanging counts as crashing: its exit brings the next attempt or the give-up.
      this.#report({
        type: 'not-ready',
        name: entry.spec.name,
        timeoutMs: this.#policy.readyTimeoutMs,
        logPath: entry.spec.logPath,
      });
      run.child.kill('SIGKILL');
    }
    // 'exited': #exited has already decided what comes next.
  }

  async #waitReady(run: Run, port: number): Promise<'ready' | 'exited' | 'timed-out'> {
    const deadline = Date.now() + this.#policy.readyTimeoutMs;
    while (Date.now() < deadline) {
      if (run.exit || this.stopping) return 'exited';
      const ready = await probeReady(port);
      // Checked again: another program on the port must not pass for one that just died.
      if (run.exit || this.stopping) return 'exited';
      if (ready) return 'ready';
      await sleep(this.#policy.readyPollMs);
    }
    return 'timed-out';
  }

  #update(entry: Supervised, changes: Partial<ProcessRecord>): void {
    Object.assign(entry.record, changes);
    this.#save();
  }

  /** Written whole and renamed into place, so a reader never sees half a file. */
  #save(): void {
    mkdirSync(dirname(this.#stateFile), { recursive: true });
    const partial = `${this.#stateFile}.${process.pid}.tmp`;
    writeFileSync(partial, `${JSON.stringify(this.snapshot(), null, 2)}\n`);
    renameSync(partial, this.#stateFile);
  }
}

/** The supervisor's state file, or undefined when there is none (or it cannot be read). */
export function readSupervisorState(file: string): SupervisorState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SupervisorState;
  } catch {
    return undefined;
  }
}

export async function probeReady(port: number, timeoutMs = 1_000): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok;
  } catch {
    return false;
  }
}

async function exitsWithin(run: Run, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const exited = await Promise.race([run.exited.then(() => true as const), timedOut]);
  clearTimeout(timer);
  return exited;
}

export function describeExit(exit: Pick<ProcessExit, 'code' | 'signal'>): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  if (exit.code === null) return 'could not be started';
  return `exited with code ${exit.code}`;
}

export function formatDelay(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 1_000)} s`;
}

/** One line per event, naming the log to read. */
export function describeEvent(event: SupervisorEvent): string {
  switch (event.type) {
    case 'exited':
      return `${pc.red('✖')} ${event.name} ${describeExit(event.exit)}; restarting in ${formatDelay(event.restartInMs)} (log: ${event.logPath})`;
    case 'not-ready':
      return `${pc.red('✖')} ${event.name} was not ready ${formatDelay(event.timeoutMs)} after its restart; killing it (log: ${event.logPath})`;
    case 'recovered':
      return `${pc.green('✔')} ${event.name} is back and ready (pid ${event.pid}, restart ${event.restarts})`;
    case 'gave-up':
      return pc.red(
        `✖ ${event.name} crashed ${event.crashes} times in a row; no more restarts. The other processes keep running ` +
          `(./balai status). Read ${event.logPath}, fix it, then start ./balai up again.`,
      );
    case 'stopped':
      return `${pc.green('✔')} ${event.name} stopped`;
  }
}

function printEvent(event: SupervisorEvent): void {
  const line = describeEvent(event);
  if (event.type === 'exited' || event.type === 'not-ready' || event.type === 'gave-up') console.error(line);
  else console.log(line);
}
