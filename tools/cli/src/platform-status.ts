import { isAbsolute, relative } from 'node:path';
import pc from 'picocolors';
import { type InfraProcess, infraProcesses } from './infra.ts';
import { isAlive } from './processes.ts';
import { settings } from './settings.ts';
import { formatDelay, type ProcessRecord, probeReady, readSupervisorState } from './supervisor.ts';

interface Row {
  name: string;
  pid: number | null;
  state: string;
  color: (text: string) => string;
  ready: boolean;
  restarts: string;
  uptime: string;
  logPath: string;
}

/**
 * Prints each process `./balai up` runs (infrastructure first) with its pid, state, restarts,
 * uptime and log; true when the platform runs and all of it is ready. Readiness is probed now,
 * not taken from the state file, which says what the supervisor last saw.
 */
export async function platformStatus(): Promise<boolean> {
  const state = readSupervisorState(settings.platformState);
  const up = state !== undefined && isAlive(state.supervisorPid);
  const records = state ? Object.values(state.processes) : [];
  const [infra, services] = await Promise.all([infraProcesses(), Promise.all(records.map(serviceRow))]);
  if (!up) {
    console.log(pc.red('The platform is not running: start it with ./balai up.'));
    // A `./balai up` killed without stopping leaves its services running, holding their ports.
    const leftOver = services.filter((row) => row.pid !== null && isAlive(row.pid));
    if (leftOver.length > 0) {
      const list = leftOver.map((row) => `${row.name} (pid ${row.pid})`).join(', ');
      console.log(pc.yellow(`Still running from a ./balai up that did not stop them: ${list}.`));
    }
    printTable(infra.map(infraRow));
    return false;
  }
  console.log(`./balai up is running (pid ${state.supervisorPid}).`);
  const rows = [...infra.map(infraRow), ...services];
  printTable(rows);
  return rows.every((row) => row.ready);
}

async function serviceRow(record: ProcessRecord): Promise<Row> {
  const base = { name: record.name, restarts: String(record.restarts), logPath: record.logPath };
  const notRunning = { ...base, pid: null, ready: false, uptime: '-' };
  switch (record.state) {
    case 'restarting': {
      const wait = record.restartAt ? ` in ${formatDelay(Math.max(0, Date.parse(record.restartAt) - Date.now()))}` : '';
      return { ...notRunning, state: `restarting${wait}`, color: pc.yellow };
    }
    case 'given-up':
      return { ...notRunning, state: 'given up', color: pc.red };
    case 'stopped':
      return { ...notRunning, state: 'stopped', color: pc.dim };
  }
  const alive = record.pid !== null && isAlive(record.pid);
  const ready = alive && (await probeReady(record.opsPort));
  const uptime = alive && record.startedAt ? formatUptime(Date.now() - Date.parse(record.startedAt)) : '-';
  const running = { ...base, pid: record.pid, ready, uptime };
  if (ready) return { ...running, state: 'ready', color: pc.green };
  // Dead, but the supervisor has not seen it yet (or `up` itself is gone).
  if (!alive) return { ...running, state: 'exited', color: pc.red };
  return { ...running, state: record.state === 'starting' ? 'starting' : 'not ready', color: pc.yellow };
}

function infraRow({ name, pid, ready, since, logPath }: InfraProcess): Row {
  const running = pid !== undefined;
  return {
    name,
    pid: pid ?? null,
    state: !running ? 'stopped' : ready ? 'ready' : 'not ready',
    color: !running ? pc.red : ready ? pc.green : pc.yellow,
    ready,
    // Started once by `infra up` and not supervised: restarts do not apply.
    restarts: '-',
    uptime: running && since ? formatUptime(Date.now() - since.getTime()) : '-',
    logPath,
  };
}

function printTable(rows: Row[]): void {
  const header = ['NAME', 'PID', 'STATE', 'RESTARTS', 'UPTIME', 'LOG'];
  const stateColumn = 2;
  const lines = rows.map((row) => ({
    color: row.color,
    cells: [row.name, String(row.pid ?? '-'), row.state, row.restarts, row.uptime, shortPath(row.logPath)],
  }));
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map(({ cells }) => cells[column]?.length ?? 0)),
  );
  // Padded before coloring: the color codes would count as width.
  const format = (cells: string[], color = (text: string) => text) =>
    cells
      .map((text, column) => {
        const padded = text.padEnd(widths[column] ?? 0);
        return column === stateColumn ? color(padded) : padded;
      })
      .join('  ')
      .trimEnd();
  console.log(pc.dim(format(header)));
  for (const { cells, color } of lines) console.log(format(cells, color));
}

/** Relative to the repository, where `./balai` runs. */
function shortPath(path: string): string {
  const inside = relative(settings.root, path);
  return inside.startsWith('..') || isAbsolute(inside) ? path : inside;
}

function formatUptime(ms: number): string {
  const seconds = Math.floor(ms / 1_000);
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const twoDigits = (value: number) => String(value).padStart(2, '0');
  if (seconds < 60) return `${seconds}s`;
  if (minutes < 60) return `${minutes}m ${twoDigits(seconds % 60)}s`;
  if (hours < 24) return `${hours}h ${twoDigits(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}
