import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import ora, { type Ora } from 'ora';
import pc from 'picocolors';
import {
  CliError,
  portAnswers,
  requirePortsFree,
  requireTool,
  runningPid,
  runningSince,
  sleep,
  startDetached,
  stopByPidFile,
} from './processes.ts';
import { kafkaBrokers, mongoUrl, settings } from './settings.ts';

const kafkaDir = join(settings.root, 'deploy/local/kafka');
const ferretDir = join(settings.root, 'deploy/local/ferretdb');
const kafkaData = join(settings.data, 'kafka');
const ferretData = join(settings.data, 'ferretdb');
const classpathFile = join(kafkaData, 'classpath.txt');

let lastProgressLine = 0;

/**
 * Shows progress on the spinner. Without a terminal (CI) the spinner is silent between start
 * and end, so the text is also printed, at most every 10 s, to show the run is alive.
 */
function showProgress(spinner: Ora, text: string): void {
  spinner.text = text;
  if (!spinner.isEnabled && Date.now() - lastProgressLine >= 10_000) {
    lastProgressLine = Date.now();
    console.log(`  … ${text}`);
  }
}

/** Runs a command, showing its progress on a spinner; on failure prints its output. */
function runWithProgress(
  spinner: Ora,
  command: string,
  args: string[],
  progress: (line: string) => string | undefined,
  env: NodeJS.ProcessEnv = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: settings.root, env: { ...process.env, ...env } });
    const output: string[] = [];
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        output.push(line);
        if (output.length > 200) output.shift();
        const text = progress(line);
        if (text) showProgress(spinner, text);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => reject(new CliError(`cannot run ${command}: ${error.message}`)));
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new CliError(`${command} ${args.join(' ')} failed (exit ${code}):\n${output.slice(-40).join('\n')}`));
    });
  });
}

function tailLog(name: string, lines = 30): string {
  const file = join(settings.logs, `${name}.log`);
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

async function waitUntil(name: string, pid: number, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (runningPid(name) !== pid) {
      throw new CliError(
        `${name} exited during start-up. Last lines of ${join(settings.logs, `${name}.log`)}:\n${tailLog(name)}`,
      );
    }
    if (await probe().catch(() => false)) return;
    await sleep(300);
  }
  throw new CliError(`${name} was not ready within ${timeoutMs / 1000} s. Last log lines:\n${tailLog(name)}`);
}

// ---------------------------------------------------------------- Kafka

async function resolveKafkaClasspath(): Promise<void> {
  const pom = join(kafkaDir, 'pom.xml');
  if (existsSync(classpathFile) && statSync(classpathFile).mtimeMs > statSync(pom).mtimeMs) {
    const jars = readFileSync(classpathFile, 'utf8').trim().split(':');
    if (jars.every((jar) => existsSync(jar))) return;
  }
  requireTool('mvn', ['-v'], () => undefined);
  mkdirSync(kafkaData, { recursive: true });
  const spinner = ora('Kafka: resolving jars from Maven Central').start();
  let downloaded = 0;
  try {
    await runWithProgress(
      spinner,
      'mvn',
      ['-B', '-f', pom, 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}`],
      (line) => {
        const match = /Downloaded from \S+: \S+\/([^/\s]+) \(/.exec(line);
        if (!match) return undefined;
        downloaded += 1;
        return `Kafka: downloading jars into ~/.m2 (${downloaded} files, last ${match[1]})`;
      },
    );
    spinner.succeed(`Kafka: jars ready${downloaded > 0 ? ` (${downloaded} files downloaded)` : ''}`);
  } catch (error) {
    spinner.fail('Kafka: could not resolve the jars');
    throw error;
  }
}

async function kafkaReady(): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'balai-cli',
    brokers: [kafkaBrokers()],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function kafkaUp(): Promise<void> {
  const pid = runningPid('kafka');
  if (pid !== undefined) {
    console.log(`${pc.green('✔')} Kafka already running (pid ${pid}) on ${kafkaBrokers()}`);
    return;
  }
  requireTool('java', ['-version'], (out) => {
    const major = Number(/version "(\d+)/.exec(out)?.[1] ?? 0);
    return major >= 17 ? undefined : `Java 17 or newer is needed, found ${major || 'an unknown version'}`;
  });
  await requirePortsFree('Kafka', [
    ['Kafka', settings.ports.kafka, 'BALAI_KAFKA_PORT'],
    ['Kafka controller', settings.ports.kafkaController, 'BALAI_KAFKA_CONTROLLER_PORT'],
  ]);
  await resolveKafkaClasspath();
  const spinner = ora(`Kafka: starting on ${kafkaBrokers()} (KRaft, single node)`).start();
  const started = Date.now();
  const newPid = startDetached('kafka', 'bash', [join(kafkaDir, 'kafka.sh'), 'run', kafkaData], {
    KAFKA_PORT: String(settings.ports.kafka),
    CONTROLLER_PORT: String(settings.ports.kafkaController),
    KAFKA_CLASSPATH_FILE: classpathFile,
  });
  try {
    await waitUntil('kafka', newPid, kafkaReady, 120_000);
  } catch (error) {
    spinner.fail('Kafka did not start');
    await stopByPidFile('kafka', 5_000);
    throw error;
  }
  spinner.succeed(
    `Kafka ready on ${kafkaBrokers()} in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${newPid})`,
  );
}

// ---------------------------------------------------------------- FerretDB

function ferretdbVersion(): string {
  const goMod = readFileSync(join(ferretDir, 'go.mod'), 'utf8');
  const version = /github\.com\/FerretDB\/FerretDB (v[\d.]+)/.exec(goMod)?.[1];
  if (!version) throw new CliError('deploy/local/ferretdb/go.mod does not pin github.com/FerretDB/FerretDB');
  return version;
}

/** Named by version and patch set, so a changed, added or removed patch builds a new binary. */
function ferretdbBinary(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(join(ferretDir, 'patches')).sort()) {
    if (name.endsWith('.patch')) hash.update(name).update(readFileSync(join(ferretDir, 'patches', name)));
  }
  const patch = hash.digest('hex').slice(0, 8);
  return join(settings.tools, 'ferretdb', `ferretdb-${ferretdbVersion()}-${patch}`);
}

async function buildFerretdb(): Promise<void> {
  const binary = ferretdbBinary();
  if (existsSync(binary)) return;
  requireTool('go', ['version'], (out) => {
    const match = /go(\d+)\.(\d+)/.exec(out);
    const ok = match && (Number(match[1]) > 1 || Number(match[2]) >= 24);
    return ok ? undefined : `Go 1.24 or newer is needed, found ${out.trim()}`;
  });
  const spinner = ora(
    `FerretDB ${ferretdbVersion()}: building from the Go module proxy (first run: a few minutes)`,
  ).start();
  const started = Date.now();
  const tick = setInterval(() => {
    const elapsed = Math.round((Date.now() - started) / 1000);
    showProgress(spinner, `FerretDB ${ferretdbVersion()}: building from the Go module proxy (${elapsed} s)`);
  }, 1_000);
  try {
    await runWithProgress(spinner, 'bash', [join(ferretDir, 'build.sh'), binary], () => undefined);
    spinner.succeed(`FerretDB ${ferretdbVersion()} built in ${Math.round((Date.now() - started) / 1000)} s`);
  } catch (error) {
    spinner.fail('FerretDB: build failed');
    throw error;
  } finally {
    clearInterval(tick);
  }
}

async function ferretdbReady(): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${settings.ports.ferretdbDebug}/debug/readyz`, {
    signal: AbortSignal.timeout(1_000),
  });
  return response.ok && (await portAnswers(settings.ports.mongo));
}

async function ferretdbUp(): Promise<void> {
  const pid = runningPid('ferretdb');
  if (pid !== undefined) {
    console.log(`${pc.green('✔')} FerretDB already running (pid ${pid}) on ${mongoUrl()}`);
    return;
  }
  await requirePortsFree('FerretDB', [
    ['MongoDB wire protocol', settings.ports.mongo, 'BALAI_MONGO_PORT'],
    ['FerretDB debug', settings.ports.ferretdbDebug, 'BALAI_FERRETDB_DEBUG_PORT'],
  ]);
  await buildFerretdb();
  mkdirSync(join(ferretData, 'sqlite'), { recursive: true });
  const spinner = ora(`FerretDB: starting on ${mongoUrl()} (SQLite storage)`).start();
  const newPid = startDetached('ferretdb', ferretdbBinary(), [
    `--listen-addr=127.0.0.1:${settings.ports.mongo}`,
    '--handler=sqlite',
    `--sqlite-url=file:${join(ferretData, 'sqlite')}/`,
    `--state-dir=${ferretData}`,
    `--debug-addr=127.0.0.1:${settings.ports.ferretdbDebug}`,
    '--telemetry=disable',
    '--log-level=error', // warn logs every driver disconnect (endSessions is not implemented)
  ]);
  try {
    await waitUntil('ferretdb', newPid, ferretdbReady, 60_000);
  } catch (error) {
    spinner.fail('FerretDB did not start');
    await stopByPidFile('ferretdb', 5_000);
    throw error;
  }
  spinner.succeed(`FerretDB ready on ${mongoUrl()} (pid ${newPid})`);
}

// ---------------------------------------------------------------- commands

/** Starts what is not running yet; returns the names it started. */
export async function infraUp(): Promise<string[]> {
  const before = { kafka: runningPid('kafka'), ferretdb: runningPid('ferretdb') };
  // FerretDB first: its build is the slow part of a first run, and Kafka's start overlaps nothing.
  await ferretdbUp();
  await kafkaUp();
  return (['kafka', 'ferretdb'] as const).filter((name) => before[name] === undefined);
}

export async function infraDown(names: string[] = ['kafka', 'ferretdb']): Promise<void> {
  for (const name of names) {
    const spinner = ora(`${name}: stopping`).start();
    if (await stopByPidFile(name)) spinner.succeed(`${name} stopped`);
    else spinner.info(`${name} was not running (started by this project)`);
  }
}

/** Stops Kafka or FerretDB (SIGTERM, as in `down`) and starts it again: the fault benchmark's broker and store restarts. */
export async function infraRestart(name: string): Promise<void> {
  if (name !== 'kafka' && name !== 'ferretdb')
    throw new CliError(`infra restart: "${name}" is neither kafka nor ferretdb`);
  await infraDown([name]);
  await infraUp();
}

export interface InfraProcess {
  name: 'kafka' | 'ferretdb';
  pid: number | undefined;
  ready: boolean;
  endpoint: string;
  since: Date | undefined;
  logPath: string;
}

/** Kafka and FerretDB as `infra up` left them: their pids (from the pid files) and readiness. */
export function infraProcesses(): Promise<InfraProcess[]> {
  const probes = { kafka: [kafkaBrokers(), kafkaReady], ferretdb: [mongoUrl(), ferretdbReady] } as const;
  return Promise.all(
    (['kafka', 'ferretdb'] as const).map(async (name) => {
      const [endpoint, ready] = probes[name];
      const pid = runningPid(name);
      return {
        name,
        pid,
        ready: pid !== undefined && (await ready().catch(() => false)),
        endpoint,
        since: runningSince(name),
        logPath: join(settings.logs, `${name}.log`),
      };
    }),
  );
}

export async function infraStatus(): Promise<boolean> {
  const processes = await infraProcesses();
  for (const { name, pid, ready, endpoint } of processes) {
    const state = pid === undefined ? pc.dim('stopped') : ready ? pc.green('ready') : pc.yellow('starting/unhealthy');
    console.log(`${name.padEnd(9)} ${state.padEnd(20)} ${pid ? `pid ${pid}`.padEnd(11) : ''.padEnd(11)} ${endpoint}`);
  }
  return processes.every((entry) => entry.ready);
}

export async function infraReset(): Promise<void> {
  await infraDown();
  for (const dir of [join(kafkaData, 'kraft-logs'), join(kafkaData, 'server.properties'), ferretData]) {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${pc.green('✔')} local Kafka and FerretDB data wiped`);
}

export function infraEnv(): string {
  return `export KAFKA_BROKERS=${kafkaBrokers()}\nexport MONGO_URL=${mongoUrl()}\n`;
}

export function infraLogs(name: string | undefined): Promise<void> {
  const names = name ? [name] : ['kafka', 'ferretdb'];
  const files = names.map((n) => join(settings.logs, `${n}.log`)).filter((file) => existsSync(file));
  if (files.length === 0) throw new CliError('no infrastructure logs yet: run ./balai infra up first');
  return new Promise((resolve) => {
    const tail = spawn('tail', ['-n', '50', '-F', ...files], { stdio: 'inherit' });
    tail.once('exit', () => resolve());
  });
}
