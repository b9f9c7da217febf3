import { type StreamName, streams } from '@balai/contracts';
import type { FastifyInstance } from 'fastify';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { ConfigError } from './config.js';
import { deadLetterTopic, type EventHandlers, startEventConsumer } from './events/consumer.js';
import { createGrpcServer, type GrpcServer } from './grpc/server.js';
import { type ReadinessCheck, registerHealthRoutes } from './http/health.js';
import { createHttpServer } from './http/server.js';
import { createKafka, createProducer, ensureTopics, type TopicSpec } from './kafka.js';
import { Lifecycle } from './lifecycle.js';
import { createLogger, type Logger } from './logger.js';
import { type Connection, connectMongo, pingMongo, storeReachable, watchStoreConnection } from './mongo.js';
import { observeConsumerGroup, recordUnexpectedError } from './telemetry/metrics.js';
import { stopTelemetry } from './telemetry/sdk.js';

export interface BaseServiceConfig {
  LOG_LEVEL: string;
  HOST: string;
  HTTP_PORT: number;
  MONGO_URL: string;
  MONGO_DB: string;
  KAFKA_BROKERS: string;
  KAFKA_TOPIC_PREFIX: string;
  KAFKA_REPLICATION_FACTOR: number;
}

/** The clients a service holds, created at start, closed in reverse order by `lifecycle`. */
export interface ServiceRuntime {
  service: string;
  logger: Logger;
  lifecycle: Lifecycle;
  mongo: Connection;
  kafka: Kafka;
  producer: Producer;
  admin: Admin;
  topicPrefix: string;
  /** Replication for topics this service creates: the configured factor capped to the brokers. */
  replicationFactor: number;
  readiness: Record<string, ReadinessCheck>;
}

/**
 * Connects what every service needs (MongoDB, Kafka producer and admin) and provisions the
 * event streams. If anything fails, whatever was already started is stopped again.
 */
export async function startRuntime(
  service: string,
  config: BaseServiceConfig,
  logger?: Logger,
): Promise<ServiceRuntime> {
  const log = logger ?? createLogger({ service, level: config.LOG_LEVEL });
  const lifecycle = new Lifecycle(log);
  try {
    const mongo = await connectMongo({ url: config.MONGO_URL, dbName: config.MONGO_DB, logger: log });
    lifecycle.onStop('mongodb', () => mongo.close());
    const watchdog = watchStoreConnection({
      ping: () => pingMongo(mongo),
      reachable: () => storeReachable(config.MONGO_URL),
      onWedged: () => wedgedHandler?.(),
      logger: log.child({ component: 'store-watchdog' }),
    });
    lifecycle.onStop('store watchdog', async () => watchdog.stop());
    const kafka = createKafka({ clientId: `balai-${service}`, brokers: config.KAFKA_BROKERS.split(','), logger: log });
    const admin = kafka.admin();
    await admin.connect();
    lifecycle.onStop('kafka admin', () => admin.disconnect());
    const producer = createProducer(kafka);
    await producer.connect();
    lifecycle.onStop('kafka producer', () => producer.disconnect());
    let kafkaConnected = true;
    producer.on(producer.events.DISCONNECT, () => {
      kafkaConnected = false;
    });
    producer.on(producer.events.CONNECT, () => {
      kafkaConnected = true;
    });
    const { brokers } = await admin.describeCluster();
    const replicationFactor = Math.min(config.KAFKA_REPLICATION_FACTOR, brokers.length);
    const created = await ensureTopics(admin, streamTopics(config.KAFKA_TOPIC_PREFIX, replicationFactor));
    if (created.length > 0) log.info({ topics: created }, 'topics created');
    return {
      service,
      logger: log,
      lifecycle,
      mongo,
      kafka,
      producer,
      admin,
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      replicationFactor,
      readiness: { mongodb: () => pingMongo(mongo), kafka: async () => kafkaConnected },
    };
  } catch (error) {
    await lifecycle.shutdown('start-up failed');
    throw error;
  }
}

/** Topic specs for every stream of the catalogue (production: 8 partitions, 3 replicas, 2 in sync). */
export function streamTopics(topicPrefix: string, replicationFactor: number): TopicSpec[] {
  return Object.values(streams).map((stream) => ({
    name: `${topicPrefix}${stream.topic}`,
    partitions: stream.partitions,
    replicationFactor,
    config: { ...stream.config, 'min.insync.replicas': String(Math.min(2, replicationFactor)) },
  }));
}

/**
 * Runs a consumer group of the service on the given streams, with the service's clients, its
 * `processed_events` collection and a dead-letter topic replicated like its other topics; the
 * consumer stops before the clients do.
 */
export async function consumeEvents(
  runtime: ServiceRuntime,
  options: { groupId: string; streams: StreamName[]; handlers: EventHandlers },
): Promise<void> {
  const db = runtime.mongo.db;
  if (!db) throw new Error('MongoDB connection has no database');
  const topics = options.streams.map((name) => `${runtime.topicPrefix}${streams[name].topic}`);
  const consumer = await startEventConsumer({
    kafka: runtime.kafka,
    producer: runtime.producer,
    groupId: options.groupId,
    topics,
    handlers: options.handlers,
    processed: db.collection('processed_events'),
    logger: runtime.logger.child({ component: 'consumer', groupId: options.groupId }),
    topicPrefix: runtime.topicPrefix,
    deadLetterReplicationFactor: runtime.replicationFactor,
  });
  runtime.lifecycle.onStop(`consumer ${options.groupId}`, () => consumer.disconnect());
  const unobserve = observeConsumerGroup(runtime.admin, {
    groupId: options.groupId,
    topics,
    deadLetterTopic: deadLetterTopic(options.groupId, runtime.topicPrefix),
  });
  runtime.lifecycle.onStop(`consumer ${options.groupId} metrics`, async () => unobserve());
}

/**
 * The HTTP server of a non-gateway service: liveness and readiness probes, plus whatever routes
 * the service adds (identity serves its OIDC endpoints here, behind the gateway).
 */
export async function startOpsServer(
  runtime: ServiceRuntime,
  options: { host: string; port: number; routes?: HttpRegistration },
): Promise<{ app: FastifyInstance; port: number }> {
  const app = createHttpServer({ logger: runtime.logger.child({ component: 'ops-http' }) });
  registerHealthRoutes(app, runtime.readiness);
  if (options.routes) await options.routes(app);
  await app.listen({ host: options.host, port: options.port });
  runtime.lifecycle.onStop('ops http', () => app.close());
  const address = app.server.address();
  return { app, port: typeof address === 'object' && address ? address.port : options.port };
}

/** Adds a service's own routes or plugins to its HTTP server, before it listens. */
export type HttpRegistration = (app: FastifyInstance) => Promise<void> | void;

/** What a service's `setUp` returns: how to register its gRPC services, and optionally HTTP routes. */
export type ServiceRegistration =
  | ((grpc: GrpcServer) => void)
  | { grpc: (grpc: GrpcServer) => void; http?: HttpRegistration };

export interface RunningService {
  grpcPort: number;
  httpPort: number;
  stop(): Promise<void>;
}

/**
 * Starts a service the one way all of them start: the runtime (MongoDB, Kafka, topics), then
 * `setUp` (models, relays, consumers; it returns how to register the gRPC services and, optionally,
 * extra HTTP routes), then the gRPC server (reporting SERVING on grpc.health.v1) and the HTTP server. If any step fails,
 * what was started is stopped again; `stop()` stops everything in reverse order.
 */
export async function startService(
  service: string,
  config: BaseServiceConfig & { GRPC_PORT: number },
  logger: Logger | undefined,
  setUp: (runtime: ServiceRuntime) => Promise<ServiceRegistration>,
): Promise<RunningService> {
  const runtime = await startRuntime(service, config, logger);
  try {
    const registration = await setUp(runtime);
    const register = typeof registration === 'function' ? { grpc: registration } : registration;
    const grpc = createGrpcServer({ host: config.HOST, port: config.GRPC_PORT, logger: runtime.logger });
    register.grpc(grpc);
    const grpcPort = await grpc.start();
    runtime.lifecycle.onStop('grpc server', () => grpc.stop());
    grpc.health.setStatus('', 'SERVING');
    const ops = await startOpsServer(runtime, { host: config.HOST, port: config.HTTP_PORT, routes: register.http });
    runtime.logger.info({ grpcPort, httpPort: ops.port }, `${service} service started`);
    return { grpcPort, httpPort: ops.port, stop: () => runtime.lifecycle.shutdown() };
  } catch (error) {
    await runtime.lifecycle.shutdown('start-up failed');
    throw error;
  }
}

/**
 * What a process does when its store connection is wedged (watchStoreConnection): set by
 * runMain, which owns the process; a service started in a test's process only logs it.
 */
let wedgedHandler: (() => void) | undefined;

/**
 * The whole of a service's main.ts: start it, stop it gracefully on SIGTERM/SIGINT, and exit
 * with a clear message (not a stack) when the configuration is wrong. While it runs, an error
 * nothing caught is logged, counted and survived (see `guardProcess`).
 */
export async function runMain(service: string, start: () => Promise<{ stop(): Promise<void> }>): Promise<void> {
  guardProcess(createLogger({ service, level: process.env.LOG_LEVEL ?? 'info' }).child({ component: 'process' }));
  try {
    const running = await start();
    let stopping = false;
    const stop = (code: number) => {
      if (stopping) return;
      stopping = true;
      // Telemetry last: spans of the shutdown itself are flushed too.
      const exit = (status: number) => () => stopTelemetry().finally(() => process.exit(status));
      running.stop().then(exit(code), exit(1));
    };
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop(0));
    // Exit 1: the supervisor or the kubelet counts it as a crash and starts the service again.
    wedgedHandler = () => stop(1);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
}

/**
 * The process policy for errors that no handler caught (docs/RELIABILITY.md): log each one with
 * its stack, count it (`balai.process.unexpected_errors`), and keep serving. Every request runs
 * in its own promise chain (fastify's handlers, `unaryHandler`, the consumer's batch), so such an
 * error belongs to one request or one connection and the others are unaffected; exiting would
 * turn one bad request into an outage for everyone. What a process cannot survive (out of
 * memory, a native crash) its supervisor restarts: `./balai up` or Kubernetes.
 */
export function guardProcess(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    recordUnexpectedError('unhandled_rejection');
    logger.error({ err: reason }, 'unhandled promise rejection (the process keeps serving)');
  });
  process.on('uncaughtException', (error) => {
    recordUnexpectedError('uncaught_exception');
    logger.error({ err: error }, 'uncaught exception (the process keeps serving)');
  });
}
