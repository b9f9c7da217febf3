import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A process whose CPU and memory the run accounts for. */
export interface WatchedProcess {
  name: string;
  pid: number;
}

/** One reading of a process from /proc. */
export interface ProcessSample {
  name: string;
  pid: number;
  /** Epoch ms of the reading. */
  at: number;
  /** User + system CPU seconds since the process started. */
  cpuSeconds: number;
  rssMb: number;
  /** Peak resident set since the process started (VmHWM). */
  peakRssMb: number;
}

/** CPU a process used over a phase, and its memory at the end. */
export interface ProcessUsage {
  name: string;
  pid: number;
  cpuSeconds: number;
  rssMb: number;
  peakRssMb: number;
  /** The pid changed or vanished during the phase (a restart): its CPU figure is incomplete. */
  restarted: boolean;
  /** Wall seconds between the two samplings. */
  wallSeconds: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A service as `./balai up`'s supervisor records it (tools/cli/src/supervisor.ts, `ProcessRecord`). */
export interface SupervisedProcess {
  name: string;
  pid: number | null;
  state: string;
  opsPort: number;
}

/**
 * The services `./balai up` runs, from its state file (`.data/run/platform.json`); none when the
 * file is missing, half-written or from another version, or its supervisor is gone.
 */
export function supervisedProcesses(dataDir: string): SupervisedProcess[] {
  const stateFile = join(dataDir, 'run', 'platform.json');
  if (!existsSync(stateFile)) return [];
  try {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as {
      supervisorPid: number;
      processes: Record<string, SupervisedProcess>;
    };
    return isAlive(state.supervisorPid) ? Object.values(state.processes) : [];
  } catch {
    return [];
  }
}

/**
 * The platform's processes as `./balai up` records them: the services from the supervisor's
 * state file (tools/cli/src/supervisor.ts, `.data/run/platform.json`), Kafka and FerretDB from
 * the pid files `infra up` writes (tools/cli/src/processes.ts; Kafka's wrapper script execs the
 * JVM, so its pid is the java process). Read rather than imported: the CLI's modules are not a
 * package. Empty when the platform is not running.
 */
export function platformProcesses(dataDir: string): WatchedProcess[] {
  const found: WatchedProcess[] = [];
  for (const name of ['kafka', 'ferretdb']) {
    const file = join(dataDir, 'run', `${name}.pid`);
    if (!existsSync(file)) continue;
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) found.push({ name, pid });
  }
  for (const record of supervisedProcesses(dataDir)) {
    if (record.pid !== null && isAlive(record.pid)) found.push({ name: record.name, pid: record.pid });
  }
  return found;
}

/** The kernel's clock ticks per second, the unit of utime and stime in /proc/<pid>/stat. */
const clockTicks = (() => {
  const answer = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(answer.stdout?.trim());
  return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
})();

export function sampleProcess(watched: WatchedProcess): ProcessSample | null {
  try {
    const stat = readFileSync(`/proc/${watched.pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime: fields 14 and 15
    const status = readFileSync(`/proc/${watched.pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return {
      ...watched,
      at: Date.now(),
      cpuSeconds: ticks / clockTicks,
      rssMb: kb('VmRSS') / 1024,
      peakRssMb: kb('VmHWM') / 1024,
    };
  } catch {
    return null;
  }
}

export function sampleAll(watched: WatchedProcess[]): Map<string, ProcessSample> {
  const samples = new Map<string, ProcessSample>();
  for (const each of watched) {
    const sample = sampleProcess(each);
    if (sample) samples.set(each.name, sample);
  }
  return samples;
}

/** What each process used between two samplings of the same processes. */
export function usageBetween(before: Map<string, ProcessSample>, after: Map<string, ProcessSample>): ProcessUsage[] {
  return [...before.values()].map((start) => {
    const end = after.get(start.name);
    const restarted = !end || end.pid !== start.pid;
    return {
      name: start.name,
      pid: start.pid,
      cpuSeconds: end && !restarted ? end.cpuSeconds - start.cpuSeconds : 0,
      rssMb: end?.rssMb ?? 0,
      peakRssMb: end?.peakRssMb ?? start.peakRssMb,
      restarted,
      wallSeconds: end ? (end.at - start.at) / 1_000 : 0,
    };
  });
}
