import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort } from '@balai/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAlive, sleep } from './processes.ts';
import {
  describeEvent,
  type ProcessRecord,
  type RestartPolicy,
  readSupervisorState,
  Supervisor,
  type SupervisorEvent,
} from './supervisor.ts';

/*
 * A stand-in for a service: serves /readyz on PORT. Once MARKER exists (written by its first
 * run), later runs behave as AFTER_FIRST_RUN says: crash at once, or hang without listening.
 */
const fakeService = `
const fs = require('node:fs');
const later = fs.existsSync(process.env.MARKER);
fs.writeFileSync(process.env.MARKER, '');
if (later && process.env.AFTER_FIRST_RUN === 'crash') process.exit(3);
if (process.env.IGNORE_SIGTERM) process.on('SIGTERM', () => {});
if (later && process.env.AFTER_FIRST_RUN === 'hang') setInterval(() => {}, 1000);
else require('node:http')
  .createServer((request, response) => response.writeHead(request.url === '/readyz' ? 200 : 404).end())
  .listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
`;

/** Short enough that a test sees many restarts in well under a second. */
const fastPolicy: Partial<RestartPolicy> = {
  firstBackoffMs: 20,
  maxBackoffMs: 100,
  maxRestartsInARow: 5,
  readyTimeoutMs: 5_000,
  readyPollMs: 20,
  stopGraceMs: 2_000,
};

let dir: string;
let stateFile: string;
let events: SupervisorEvent[];
let supervisor: Supervisor;

function newSupervisor(policy: Partial<RestartPolicy> = {}): Supervisor {
  supervisor = new Supervisor({
    stateFile,
    policy: { ...fastPolicy, ...policy },
    report: (event) => events.push(event),
  });
  return supervisor;
}

async function startFake(name: string, env: Record<string, string> = {}): Promise<void> {
  const port = await freePort();
  await supervisor.start({
    name,
    command: process.execPath,
    args: ['-e', fakeService],
    env: { PORT: String(port), MARKER: join(dir, `${name}.started`), ...env },
    opsPort: port,
    logPath: join(dir, 'logs', `${name}.log`),
  });
}

function record(name: string): ProcessRecord {
  const found = supervisor.snapshot().processes[name];
  if (!found) throw new Error(`${name} is not supervised`);
  return found;
}

function pidOf(name: string): number {
  const { pid } = record(name);
  if (pid === null) throw new Error(`${name} has no process`);
  return pid;
}

function restartDelays(name: string): number[] {
  return events.flatMap((event) => (event.type === 'exited' && event.name === name ? [event.restartInMs] : []));
}

const recovered = (name: string, restarts: number) =>
  eventually(async () => (record(name).state === 'ready' && record(name).restarts === restarts ? true : undefined), {
    what: `${name} ready after restart ${restarts}`,
  });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'balai-supervisor-'));
  stateFile = join(dir, 'run', 'platform.json');
  events = [];
});

afterEach(async () => {
  await supervisor.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Supervisor', () => {
  it('should restart a killed process until it is ready again, leaving its sibling alone', async () => {
    newSupervisor();
    await startFake('identity');
    await startFake('gateway');
    const [identityPid, gatewayPid] = [pidOf('identity'), pidOf('gateway')];

    process.kill(identityPid, 'SIGKILL');
    await recovered('identity', 1);

    expect(pidOf('identity')).not.toBe(identityPid);
    expect(isAlive(pidOf('identity'))).toBe(true);
    expect(pidOf('gateway')).toBe(gatewayPid);
    expect(record('gateway').restarts).toBe(0);
    expect(events.map((event) => event.type)).toEqual(['exited', 'recovered']);
  });

  it('should name the process, how it ended, the delay and its log when it dies', async () => {
    newSupervisor();
    await startFake('complaints');
    process.kill(pidOf('complaints'), 'SIGKILL');
    await recovered('complaints', 1);

    const line = describeEvent(events[0] as SupervisorEvent);
    expect(line).toContain('complaints was killed by SIGKILL; restarting in 20 ms');
    expect(line).toContain(join(dir, 'logs', 'complaints.log'));
    // Both runs append to the one log.
    expect(readFileSync(join(dir, 'logs', 'complaints.log'), 'utf8')).toBe('listening\nlistening\n');
  });

  it('should wait twice as long after each crash in a row, up to the cap', async () => {
    newSupervisor();
    await startFake('permits', { AFTER_FIRST_RUN: 'crash' });
    process.kill(pidOf('permits'), 'SIGKILL');

    await eventually(async () => (record('permits').state === 'given-up' ? true : undefined), { what: 'give-up' });
    expect(restartDelays('permits')).toEqual([20, 40, 80, 100, 100]);
  });

  it('should start the backoff afresh once a process has stayed ready for a while', async () => {
    newSupervisor({ stableAfterMs: 300 });
    await startFake('analytics');
    process.kill(pidOf('analytics'), 'SIGKILL');
    await recovered('analytics', 1);
    process.kill(pidOf('analytics'), 'SIGKILL');
    await recovered('analytics', 2);
    await sleep(400);
    process.kill(pidOf('analytics'), 'SIGKILL');
    await recovered('analytics', 3);

    expect(restartDelays('analytics')).toEqual([20, 40, 20]);
  });

  it('should give up on a crash-looping process and keep the others running', async () => {
    newSupervisor();
    await startFake('permits', { AFTER_FIRST_RUN: 'crash' });
    await startFake('gateway');
    const gatewayPid = pidOf('gateway');
    process.kill(pidOf('permits'), 'SIGKILL');

    await eventually(async () => events.find((event) => event.type === 'gave-up'), { what: 'give-up' });
    const restartsWhenGivenUp = record('permits').restarts;
    await sleep(300); // longer than the longest backoff: a restart would have come by now
    expect(record('permits')).toMatchObject({ state: 'given-up', pid: null, restarts: 5, lastExit: { code: 3 } });
    expect(record('permits').restarts).toBe(restartsWhenGivenUp);
    expect(record('gateway')).toMatchObject({ state: 'ready', pid: gatewayPid });
    expect(isAlive(gatewayPid)).toBe(true);
    expect(supervisor.stopping).toBe(false);
  });

  it('should kill a restarted process that never gets ready and count it as a crash', async () => {
    newSupervisor({ readyTimeoutMs: 300, maxRestartsInARow: 2 });
    await startFake('identity', { AFTER_FIRST_RUN: 'hang' });
    process.kill(pidOf('identity'), 'SIGKILL');

    await eventually(async () => (record('identity').state === 'given-up' ? true : undefined), { what: 'give-up' });
    expect(events.map((event) => event.type)).toEqual(['exited', 'not-ready', 'exited', 'not-ready', 'gave-up']);
    expect(record('identity').lastExit).toMatchObject({ signal: 'SIGKILL' });
  });

  it('should stop every process in reverse start order and restart none of them', async () => {
    newSupervisor({ firstBackoffMs: 200, stopGraceMs: 200 });
    await startFake('identity');
    await startFake('complaints', { IGNORE_SIGTERM: 'true' }); // needs the SIGKILL after the grace period
    await startFake('gateway');
    const pids = ['identity', 'complaints', 'gateway'].map(pidOf);
    process.kill(pidOf('identity'), 'SIGKILL');
    await eventually(async () => (record('identity').state === 'restarting' ? true : undefined), { what: 'exit' });

    await supervisor.stop();
    await sleep(400); // past identity's pending restart

    expect(pids.map(isAlive)).toEqual([false, false, false]);
    expect(events.flatMap((event) => (event.type === 'stopped' ? [event.name] : []))).toEqual([
      'gateway',
      'complaints',
    ]);
    expect(Object.values(supervisor.snapshot().processes).map(({ state, pid }) => ({ state, pid }))).toEqual([
      { state: 'stopped', pid: null },
      { state: 'stopped', pid: null },
      { state: 'stopped', pid: null },
    ]);
    expect(events.some((event) => event.type === 'recovered')).toBe(false);
    expect(existsSync(stateFile)).toBe(false);
  });

  it('should keep the state file current with pids, restarts and the last exit', async () => {
    newSupervisor();
    await startFake('identity');
    await startFake('gateway');
    const gatewayPid = pidOf('gateway');
    process.kill(pidOf('identity'), 'SIGKILL');
    await recovered('identity', 1);

    const state = readSupervisorState(stateFile);
    expect(state?.supervisorPid).toBe(process.pid);
    expect(Object.keys(state?.processes ?? {})).toEqual(['identity', 'gateway']);
    expect(state?.processes.identity).toMatchObject({
      pid: pidOf('identity'),
      state: 'ready',
      restarts: 1,
      lastExit: { code: null, signal: 'SIGKILL' },
      logPath: join(dir, 'logs', 'identity.log'),
    });
    expect(state?.processes.gateway).toMatchObject({ pid: gatewayPid, state: 'ready', restarts: 0, lastExit: null });
  });

  it('should fail the start, naming the log, when a process exits before it is ready', async () => {
    newSupervisor();
    const start = supervisor.start({
      name: 'permits',
      command: process.execPath,
      args: ['-e', 'process.exit(2)'],
      env: {},
      opsPort: await freePort(),
      logPath: join(dir, 'logs', 'permits.log'),
    });

    await expect(start).rejects.toThrow(`permits exited with code 2 during start-up (see ${join(dir, 'logs')}`);
    await sleep(100); // longer than the first backoff
    expect(record('permits')).toMatchObject({ state: 'stopped', restarts: 0, lastExit: { code: 2 } });
  });
});
