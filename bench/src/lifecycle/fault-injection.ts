import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type SupervisedProcess, supervisedProcesses } from './platform-processes.js';

/** The five services `./balai up` supervises. */
export const services = ['identity', 'complaints', 'permits', 'analytics', 'gateway'] as const;
export type Service = (typeof services)[number];

/**
 * One fault, injected while the load runs:
 * - `kill:<service>`: SIGKILL, as the OOM killer or a lost node does; the supervisor restarts it;
 * - `term:<service>`: SIGTERM, as a rolling deploy does; it must finish what it has in flight;
 * - `restart:kafka`, `restart:ferretdb`: `./balai infra restart`, the broker or the store gone
 *   for as long as a stop and a start take;
 * - `stall:analytics`: SIGSTOP past the consumer's session timeout, then SIGCONT: the group
 *   rebalances without it and it comes back to a generation that has moved on.
 */
export type Fault =
  | { kind: 'kill' | 'term'; service: Service }
  | { kind: 'restart'; infra: 'kafka' | 'ferretdb' }
  | { kind: 'stall'; service: 'analytics'; seconds: number };

export function faultName(fault: Fault): string {
  return fault.kind === 'restart' ? `restart:${fault.infra}` : `${fault.kind}:${fault.service}`;
}

/** The consumers' session timeout (packages/platform/src/events/consumer.ts): a stall must outlast it. */
const sessionTimeoutSeconds = 10;

export function parseFault(name: string): Fault {
  const [kind, target] = name.split(':');
  if ((kind === 'kill' || kind === 'term') && services.includes(target as Service)) {
    return { kind, service: target as Service };
  }
  if (kind === 'restart' && (target === 'kafka' || target === 'ferretdb')) return { kind, infra: target };
  if (kind === 'stall' && target === 'analytics') {
    return { kind, service: target, seconds: 2.5 * sessionTimeoutSeconds };
  }
  throw new Error(
    `unknown fault "${name}": kill:<service>, term:<service> (${services.join(', ')}), restart:kafka, restart:ferretdb, stall:analytics`,
  );
}

export const allFaults: string[] = [
  ...services.map((service) => `kill:${service}`),
  'restart:kafka',
  'restart:ferretdb',
  'stall:analytics',
  ...services.map((service) => `term:${service}`),
];

/** The supervisor's record of a service, if `./balai up` runs it. */
export function serviceRecord(dataDir: string, name: string): SupervisedProcess | undefined {
  return supervisedProcesses(dataDir).find((record) => record.name === name);
}

/** Waits until the supervisor reports the service ready again under another pid; epoch ms then. */
async function readyAgain(dataDir: string, name: string, oldPid: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const record = serviceRecord(dataDir, name);
    if (record?.state === 'ready' && record.pid !== null && record.pid !== oldPid) return Date.now();
    await sleep(100);
  }
  throw new Error(`${name} was not ready again ${timeoutMs / 1_000} s after the fault`);
}

function runCli(root: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // Its own process group: the CLI signals process groups when it stops infrastructure.
    const child = spawn(join(root, 'balai'), args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`./balai ${args.join(' ')} exited with ${code}: ${stderr.slice(-500)}`)),
    );
  });
}

export interface Injected {
  /** Epoch ms the fault began. */
  at: number;
  /** Epoch ms the faulty part was back: ready again, restarted, resumed. */
  backAt: number;
}

/** Injects the fault and resolves once the part is back (not once the platform has caught up). */
export async function inject(fault: Fault, root: string, dataDir: string): Promise<Injected> {
  if (fault.kind === 'restart') {
    const at = Date.now();
    await runCli(root, ['infra', 'restart', fault.infra]);
    return { at, backAt: Date.now() };
  }
  const record = serviceRecord(dataDir, fault.service);
  if (!record?.pid || record.state !== 'ready') {
    throw new Error(
      `${fault.service} is not running and ready under ./balai up (state: ${record?.state ?? 'unknown'})`,
    );
  }
  const at = Date.now();
  if (fault.kind === 'stall') {
    process.kill(record.pid, 'SIGSTOP');
    try {
      await sleep(fault.seconds * 1_000);
    } finally {
      process.kill(record.pid, 'SIGCONT');
    }
    return { at, backAt: Date.now() };
  }
  process.kill(record.pid, fault.kind === 'kill' ? 'SIGKILL' : 'SIGTERM');
  return { at, backAt: await readyAgain(dataDir, fault.service, record.pid, 120_000) };
}
