import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { GenericContainer, getContainerRuntimeClient } from 'testcontainers';
import { freePort } from './ports.js';
import { onProcessEnd } from './process-cleanup.js';
import { repositoryRoot } from './repository.js';

/**
 * A single-node Kafka broker of one test file, which the test may stop and start again (the
 * shared broker must never be stopped: other files use it at the same time).
 */
export interface DedicatedKafka {
  /** Bootstrap address; the same after stop() and start(). */
  readonly brokers: string;
  /** Where the broker runs: the local jars `./balai infra up` resolved, or a container. */
  readonly source: 'local' | 'testcontainers';
  readonly running: boolean;
  /** Stops the broker gracefully (SIGTERM, `docker stop`) and resolves once it is down. */
  stop(): Promise<void>;
  /** Starts it again on the same ports with the same data, resolving once it answers. */
  start(): Promise<void>;
  /** Stops it if it runs and deletes its data; safe to call twice, meant for afterAll. */
  dispose(): Promise<void>;
  /** The broker's last log lines, for failure messages. */
  output(): string;
}

interface Backend {
  brokers: string;
  source: DedicatedKafka['source'];
  /** Starts the process or container; `exited` rejects the readiness wait if it dies first. */
  start(): Promise<{ exited: Promise<unknown> }>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
  output(): string;
}

export interface DedicatedKafkaOptions {
  /** The classpath `./balai infra up` wrote; default `<BALAI_DATA_DIR or .data>/kafka/classpath.txt`. */
  classpathFile?: string;
  /** How long a start may take before it fails (first start formats the storage). */
  startTimeoutMs?: number;
  /** Force the container (the Testcontainers infrastructure), even where local jars exist. */
  container?: boolean;
}

/**
 * Starts a broker for one test file: from the local Kafka jars with deploy/local/kafka/kafka.sh
 * on free ports and a temporary data dir when `./balai infra up` resolved them, else in a
 * container (apache/kafka) with a fixed host port, so stop/start keeps the address.
 */
export async function startDedicatedKafka(options: DedicatedKafkaOptions = {}): Promise<DedicatedKafka> {
  const root = repositoryRoot();
  const classpathFile =
    options.classpathFile ?? join(process.env.BALAI_DATA_DIR ?? join(root, '.data'), 'kafka', 'classpath.txt');
  let backend: Backend;
  if (!options.container && existsSync(classpathFile)) {
    backend = await localBackend(root, classpathFile);
  } else {
    try {
      await getContainerRuntimeClient();
    } catch {
      throw new Error(
        `A dedicated Kafka broker needs the local Kafka jars (${classpathFile}, written by ./balai infra up) ` +
          'or a container runtime (Docker) for Testcontainers; neither is available.',
      );
    }
    backend = await containerBackend();
  }
  const timeoutMs = options.startTimeoutMs ?? 90_000;
  let running = false;

  async function start(): Promise<void> {
    const { exited } = await backend.start();
    running = true;
    try {
      await untilBrokerAnswers(backend.brokers, exited, timeoutMs);
    } catch (error) {
      await backend.stop().catch(() => {});
      running = false;
      throw new Error(`${(error as Error).message}\nBroker output:\n${backend.output()}`);
    }
  }

  const kafka: DedicatedKafka = {
    brokers: backend.brokers,
    source: backend.source,
    get running() {
      return running;
    },
    start: async () => {
      if (running) throw new Error('the dedicated Kafka broker already runs');
      await start();
    },
    stop: async () => {
      await backend.stop();
      running = false;
    },
    dispose: async () => {
      running = false;
      await backend.dispose();
    },
    output: () => backend.output(),
  };
  try {
    await start();
  } catch (error) {
    await backend.dispose();
    throw error;
  }
  return kafka;
}

/** Polls describeCluster until the broker has registered with its controller. */
async function untilBrokerAnswers(brokers: string, exited: Promise<unknown>, timeoutMs: number): Promise<void> {
  let gone = false;
  void exited.then(
    () => {
      gone = true;
    },
    () => {
      gone = true;
    },
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gone) throw new Error(`the Kafka broker at ${brokers} exited during start-up`);
    const admin = new Kafka({
      clientId: 'balai-testkit-probe',
      brokers: [brokers],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) return;
    } catch {
      // not up yet
    } finally {
      await admin.disconnect().catch(() => {});
    }
    if (Date.now() > deadline) throw new Error(`the Kafka broker at ${brokers} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function lastLines(text: string, count: number): string {
  return text.split('\n').slice(-count).join('\n');
}

/**
 * Runs kafka.sh under a small bash guard: the broker stops when the guard's stdin (a pipe from
 * this process) closes, so even a test worker killed with SIGKILL leaves no JVM behind.
 */
const guard = 'bash "$@" </dev/null & read -r _ || true; kill -TERM 0';

/** kafka.sh on free ports with a temporary data dir, kept across stop() and start(). */
async function localBackend(root: string, classpathFile: string): Promise<Backend> {
  const [kafkaPort, controllerPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'balai-kafka-'));
  const script = join(root, 'deploy', 'local', 'kafka', 'kafka.sh');
  let group: number | undefined;
  let exited: Promise<void> = Promise.resolve();
  let consoleLines: string[] = [];
  // By the group, not the guard: the guard may be gone while the JVM still shuts down.
  const killGroup = (signal: NodeJS.Signals) => {
    if (group === undefined) return;
    try {
      process.kill(-group, signal);
    } catch {
      // already gone
    }
  };
  const forget = onProcessEnd(() => {
    killGroup('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const stop = async () => {
    killGroup('SIGTERM');
    const escalate = setTimeout(() => killGroup('SIGKILL'), 30_000);
    // 'close' comes once every holder of the output pipes, the JVM included, has exited.
    await exited;
    clearTimeout(escalate);
  };
  return {
    brokers: `127.0.0.1:${kafkaPort}`,
    source: 'local',
    async start() {
      consoleLines = [];
      const started = spawn('bash', ['-c', guard, 'kafka-guard', script, 'run', dataDir], {
        // Its own process group: stop() signals the guard, kafka.sh and the JVMs it starts together.
        cwd: root,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: {
          ...process.env,
          KAFKA_PORT: String(kafkaPort),
          CONTROLLER_PORT: String(controllerPort),
          KAFKA_CLASSPATH_FILE: classpathFile,
        },
      });
      group = started.pid;
      const collect = (chunk: Buffer) => {
        consoleLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        if (consoleLines.length > 200) consoleLines = consoleLines.slice(-200);
      };
      started.stdout?.on('data', collect);
      started.stderr?.on('data', collect);
      exited = new Promise((resolve) =>
        started.once('close', () => {
          group = undefined;
          resolve();
        }),
      );
      return { exited };
    },
    stop,
    async dispose() {
      await stop();
      forget();
      rmSync(dataDir, { recursive: true, force: true });
    },
    output() {
      const serverLog = join(dataDir, 'logs', 'server.log');
      const log = existsSync(serverLog) ? lastLines(readFileSync(serverLog, 'utf8'), 40) : '(no server.log)';
      return `${consoleLines.join('\n')}\n--- ${serverLog} (last lines)\n${log}`;
    },
  };
}

/**
 * The official image in KRaft mode, listening inside on the same port it is published on, so
 * the advertised address stays right after `docker stop` + `docker start` (data stays in the
 * container). Not exercised on the Docker-free development machines; keep it this small.
 */
async function containerBackend(): Promise<Backend> {
  const client = await getContainerRuntimeClient();
  const host = client.info.containerRuntime.host;
  const port = await freePort();
  const container = new GenericContainer('apache/kafka:4.1.1')
    .withExposedPorts({ container: port, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${port},CONTROLLER://0.0.0.0:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${port}`,
      KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    });
  const started = await container.start();
  const docker = client.container.getById(started.getId());
  let firstStart = true;
  return {
    brokers: `${host}:${port}`,
    source: 'testcontainers',
    async start() {
      if (firstStart) firstStart = false;
      else await client.container.start(docker);
      return { exited: new Promise(() => {}) };
    },
    stop: () => client.container.stop(docker, { timeout: 30 }),
    dispose: async () => {
      await started.stop();
    },
    output: () => `(container ${started.getId()}: docker logs ${started.getName()})`,
  };
}
