import {
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  metrics,
  type ObservableGauge,
} from '@opentelemetry/api';
import type { Admin } from 'kafkajs';

/*
 * Balai's own metrics. Names are a documented contract (docs/observability.md); Prometheus
 * shows them with dots as underscores (balai_outbox_oldest_age).
 * HTTP RED metrics come from the HTTP instrumentation (http.server.request.duration, with the
 * route the server sets); gRPC server RED metrics are recorded here by unaryHandler.
 */

/** Looked up at use: the global meter provider is set by the telemetry bootstrap (or stays a no-op). */
function meter(): Meter {
  return metrics.getMeter('@balai/platform');
}

let grpcDuration: Histogram | undefined;

/** One gRPC call served: rate, errors (by status code) and duration in one histogram. */
export function recordGrpcServerCall(method: string, statusCode: number, seconds: number): void {
  grpcDuration ??= meter().createHistogram('rpc.server.call.duration', {
    unit: 's',
    description: 'Duration of gRPC calls served, by method and status code',
  });
  grpcDuration.record(seconds, { 'rpc.system': 'grpc', 'rpc.method': method, 'rpc.grpc.status_code': statusCode });
}

let unexpectedErrors: Counter | undefined;

/** An error nothing handled (an unhandled rejection or an uncaught exception) that the process survived. */
export function recordUnexpectedError(kind: 'unhandled_rejection' | 'uncaught_exception'): void {
  unexpectedErrors ??= meter().createCounter('balai.process.unexpected_errors', {
    unit: '{error}',
    description: 'Errors no handler caught, by kind; the process logged each and kept serving',
  });
  unexpectedErrors.add(1, { 'balai.error.kind': kind });
}

type Observation = Array<[ObservableGauge, number, Attributes]>;

/**
 * Registers gauges read on each collection (a Prometheus scrape or an OTLP export). A failing
 * read (broker or database down) skips that collection rather than reporting zeros.
 * Returns the function that unregisters them, for the service's stop.
 */
function observe(gauges: ObservableGauge[], read: () => Promise<Observation>): () => void {
  const callback = async (result: {
    observe(gauge: ObservableGauge, value: number, attributes?: Attributes): void;
  }) => {
    const observations = await read().catch(() => []);
    for (const [gauge, value, attributes] of observations) result.observe(gauge, value, attributes);
  };
  meter().addBatchObservableCallback(callback, gauges);
  return () => meter().removeBatchObservableCallback(callback, gauges);
}

export interface OutboxBacklog {
  pending: number;
  oldest: Date | undefined;
}

/** Outbox backlog (events written but not yet on Kafka) and the age of the oldest of them. */
export function observeOutbox(collection: string, backlog: () => Promise<OutboxBacklog>): () => void {
  const pending = meter().createObservableGauge('balai.outbox.pending', {
    unit: '{event}',
    description: 'Events stored in an outbox and not yet published',
  });
  const oldestAge = meter().createObservableGauge('balai.outbox.oldest_age', {
    unit: 's',
    description: 'Age of the oldest unpublished outbox event (0 when none)',
  });
  return observe([pending, oldestAge], async () => {
    const { pending: count, oldest } = await backlog();
    const attributes = { 'balai.outbox.collection': collection };
    const age = oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0;
    return [
      [pending, count, attributes],
      [oldestAge, age, attributes],
    ];
  });
}

/** Consumer lag per partition (latest offset minus the group's committed offset) and dead letters held. */
export function observeConsumerGroup(
  admin: Admin,
  options: { groupId: string; topics: string[]; deadLetterTopic: string },
): () => void {
  const lag = meter().createObservableGauge('balai.consumer.lag', {
    unit: '{message}',
    description: 'Messages on a partition not yet consumed by the group',
  });
  const deadLetters = meter().createObservableGauge('balai.dlq.messages', {
    unit: '{message}',
    description: "Messages held in the consumer group's dead-letter topic",
  });
  const group = { 'messaging.consumer.group.name': options.groupId };
  return observe([lag, deadLetters], async () => {
    const observation: Observation = [];
    const committed = await admin.fetchOffsets({ groupId: options.groupId, topics: options.topics });
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const offset = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
        const from = offset >= 0 ? offset : Number(end.low);
        observation.push([
          lag,
          Math.max(0, Number(end.high) - from),
          {
            ...group,
            'messaging.destination.name': topic,
            'messaging.destination.partition.id': String(end.partition),
          },
        ]);
      }
    }
    const held = await admin.fetchTopicOffsets(options.deadLetterTopic);
    const total = held.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    observation.push([deadLetters, total, { ...group, 'messaging.destination.name': options.deadLetterTopic }]);
    return observation;
  });
}
