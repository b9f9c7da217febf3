import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { AnyBulkWriteOperation, Collection, Document, Filter } from 'mongodb';
import { Schema } from 'mongoose';
import { createProducer } from '../kafka.js';
import type { Logger } from '../logger.js';
import { type OutboxBacklog, observeOutbox } from '../telemetry/metrics.js';
import { endSpan, SpanKind, startSpanFrom, traceparentOf } from '../telemetry/tracing.js';
import { type OutboxEntry, toKafkaRecord, topicOf } from './envelope.js';

/** The fields an aggregate document carries for the outbox pattern. */
export interface OutboxFields {
  outbox: OutboxEntry[];
  /** Set with every write that appends to `outbox`, unset by the relay once it is empty. */
  outboxPending?: boolean;
  outboxLeaseOwner?: string;
  outboxLeaseUntil?: Date;
}

/**
 * What a write that appends events to an aggregate's outbox also `$set`s (or an insert with
 * events carries): the mark the relay finds pending aggregates by. An indexed top-level field,
 * because a filter on the array itself (`outbox.0` exists) reads every aggregate on the local
 * store, twice a second. Set in the same single-document write as the events, so it is never
 * missing while events wait; the relay unsets it only where the outbox is empty (see
 * `clearPending`), so it is never lost to an append that races the relay.
 */
export const outboxPendingMark = { outboxPending: true } as const;

/** The mark, when a write appends events; nothing when it does not. */
export function outboxMarkFor(events: readonly unknown[]): { outboxPending?: true } {
  return events.length > 0 ? outboxPendingMark : {};
}

/** Adds the relay's pending mark and its index to an aggregate schema that has an `outbox`. */
export function outboxPlugin(schema: Schema): void {
  schema.add({ outboxPending: { type: Boolean } });
  schema.index({ outboxPending: 1 }, { name: 'outbox_pending' });
}

export interface OutboxRelayOptions {
  collection: Collection<Document>;
  /** The relay runs its own idempotent producer, so it can replace it when the broker lost its state. */
  kafka: Kafka;
  logger: Logger;
  topicPrefix?: string;
  /** Most aggregates claimed per round. */
  batchSize?: number;
  /** Polling fallback when no local write woke the relay. */
  pollIntervalMs?: number;
  /** How long a claim keeps other relay instances off an aggregate. */
  leaseMs?: number;
}

/**
 * Publishes the events that aggregates keep in their own `outbox` array, then removes exactly
 * those entries. Commit first, publish second: a crash in between re-publishes (consumers are
 * idempotent), it never loses an event. Each aggregate is claimed with a lease so two relay
 * instances never interleave one aggregate's events; entries go out in array order with the
 * aggregate id as key, so per-aggregate order holds on the topic.
 */
export class OutboxRelay {
  private producer: Producer | undefined;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private woken = false;
  private unobserve: (() => void) | undefined;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 15_000;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.producer = await this.connectProducer();
    this.running = true;
    this.loop = this.run();
    // Not awaited by stop(): a read of every aggregate must not hold up a shutdown.
    void this.markUnmarkedInBackground();
    this.unobserve = observeOutbox(this.options.collection.collectionName, () => this.backlog());
  }

  private async connectProducer(): Promise<Producer> {
    const producer = createProducer(this.options.kafka);
    await producer.connect();
    return producer;
  }

  /**
   * A new producer (a new producer id). After a broker restart kafkajs can keep answering
   * "out of order sequence number" for the old id on every send; only a new id gets past it.
   * Resending from the outbox keeps each aggregate's order; a duplicate is harmless.
   */
  private async renewProducer(): Promise<void> {
    const old = this.producer;
    this.producer = await this.connectProducer();
    await old?.disconnect().catch(() => {});
  }

  /** Called right after a local write so the event goes out without waiting for the poll. */
  notify(): void {
    this.woken = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unobserve?.();
    this.wake?.();
    await this.loop;
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  /** Events waiting to be published, and the time of the oldest (for the backlog metrics). */
  async backlog(): Promise<OutboxBacklog> {
    const pending = [{ $match: pendingFilter() }, { $unwind: '$outbox' }];
    // Two single-accumulator groups: FerretDB 1.x computes only the first of several.
    const [counted] = await this.options.collection
      .aggregate<{ count: number }>([...pending, { $group: { _id: null, count: { $sum: 1 } } }])
      .toArray();
    if (!counted?.count) return { pending: 0, oldest: undefined };
    // $sort + $limit rather than $min: FerretDB 1.x groups with $sum and $count only.
    const [oldest] = await this.options.collection
      .aggregate<{ outbox: { time: string } }>([
        ...pending,
        { $sort: { 'outbox.time': 1 } },
        { $limit: 1 },
        { $project: { 'outbox.time': 1 } },
      ])
      .toArray();
    const time = oldest?.outbox.time;
    return { pending: counted.count, oldest: time ? new Date(time) : undefined };
  }

  /** One round: claim, publish, remove. Returns the number of events published. */
  async publishPending(): Promise<number> {
    const { collection } = this.options;
    const producer = this.producer;
    if (!producer) throw new Error('outbox relay is not started');
    const { token, claimed } = await this.claim();
    if (claimed.length === 0) return 0;
    const byTopic = new Map<string, ReturnType<typeof toKafkaRecord>[]>();
    const spans = [];
    for (const doc of claimed) {
      for (const entry of doc.outbox) {
        const topic = topicOf(entry.type, this.options.topicPrefix);
        const list = byTopic.get(topic) ?? [];
        // The publish joins the trace of the request that wrote the event; consumers continue from it.
        const span = startSpanFrom(entry.traceparent, `publish ${topic}`, SpanKind.PRODUCER, {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.destination.name': topic,
          'messaging.message.id': entry.id,
          'cloudevents.event_type': entry.type,
        });
        spans.push(span);
        const traceparent = traceparentOf(span);
        list.push(toKafkaRecord(traceparent ? { ...entry, traceparent } : entry));
        byTopic.set(topic, list);
      }
    }
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      for (const span of spans) endSpan(span);
    } catch (error) {
      for (const span of spans) endSpan(span, error);
      // Give the claims back at once so the next round (or another instance) retries in order.
      await collection.bulkWrite(
        claimed.map((doc) => ({
          updateOne: {
            filter: { _id: doc._id, outboxLeaseOwner: token } as Filter<Document>,
            update: { $unset: { outboxLeaseOwner: '', outboxLeaseUntil: '' } },
          },
        })),
        { ordered: false },
      );
      throw error;
    }
    // $pullAll with the exact entries read (FerretDB 1.x ignores $pull with a condition);
    // entries appended since the claim are different values and stay for the next round.
    const removals: AnyBulkWriteOperation<Document>[] = claimed.map((doc) => ({
      updateOne: {
        filter: { _id: doc._id } as Filter<Document>,
        update: {
          $pullAll: { outbox: doc.outbox },
          $unset: { outboxLeaseOwner: '', outboxLeaseUntil: '' },
        } as Document,
      },
    }));
    await collection.bulkWrite(removals, { ordered: false });
    await this.clearPending(claimed.map((doc) => doc._id));
    return claimed.reduce((total, doc) => total + doc.outbox.length, 0);
  }

  /**
   * Unsets the pending mark of the aggregates whose outbox is empty now. Each is one atomic
   * single-document update on that condition: an append that came after the removal left an
   * entry (and set the mark itself), so the mark stays with it.
   */
  private async clearPending(ids: unknown[]): Promise<void> {
    if (ids.length === 0) return;
    await this.options.collection.bulkWrite(
      ids.map((id) => ({
        updateOne: {
          filter: { _id: id, 'outbox.0': { $exists: false } } as Filter<Document>,
          update: { $unset: { outboxPending: '' } },
        },
      })),
      { ordered: false },
    );
  }

  /**
   * Marks the aggregates written before the mark existed that still hold events (events that
   * were not yet published when the service was upgraded). It reads every aggregate: on MongoDB
   * a collection scan, on the local store about 0.3-0.5 ms an aggregate, past the connection's
   * 30 s socket timeout beyond some 60,000. So it runs once per start beside the publishing
   * rounds, never before them, and a failure is logged, not retried: a retry loop would read the
   * whole collection every minute.
   */
  private async markUnmarkedInBackground(): Promise<void> {
    try {
      await this.markUnmarked();
    } catch (error) {
      if (this.running) {
        this.options.logger.warn(
          { err: error },
          'outbox relay could not look for aggregates written before the pending mark; events they hold wait for the next start',
        );
      }
    }
  }

  private async markUnmarked(): Promise<void> {
    const unmarked = await this.options.collection
      .find({ 'outbox.0': { $exists: true }, outboxPending: { $ne: true } }, { projection: { _id: 1 } })
      .toArray();
    if (unmarked.length === 0) return;
    await this.options.collection.bulkWrite(
      unmarked.map((doc) => ({
        updateOne: {
          filter: { _id: doc._id, 'outbox.0': { $exists: true } } as Filter<Document>,
          update: { $set: outboxPendingMark },
        },
      })),
      { ordered: false },
    );
    this.options.logger.info({ aggregates: unmarked.length }, 'outbox relay marked aggregates with pending events');
  }

  /**
   * Leases up to batchSize aggregates with pending events: one bulk write of conditional
   * single-document updates stamps this round's token on those no other relay holds (each is
   * atomic, so only one instance wins a document), then one read fetches what the token won.
   * Single-document updates, not one updateMany: FerretDB 1.x runs out of SQLite connections
   * on a multi-document update over many documents and never answers.
   */
  private async claim(): Promise<{ token: string; claimed: Array<{ _id: unknown } & OutboxFields> }> {
    const { collection } = this.options;
    const now = new Date();
    const token = randomUUID();
    const unleased = { $or: [{ outboxLeaseUntil: { $exists: false } }, { outboxLeaseUntil: { $lt: now } }] };
    const candidates = await collection
      .find({ ...pendingFilter(), ...unleased }, { projection: { _id: 1 }, limit: this.batchSize })
      .toArray();
    if (candidates.length === 0) return { token, claimed: [] };
    const lease = { $set: { outboxLeaseOwner: token, outboxLeaseUntil: new Date(now.getTime() + this.leaseMs) } };
    await collection.bulkWrite(
      candidates.map((candidate) => ({
        updateOne: { filter: { _id: candidate._id, ...unleased } as Filter<Document>, update: lease },
      })),
      { ordered: false },
    );
    const ids = candidates.map((candidate) => candidate._id);
    const won = (await collection.find({ _id: { $in: ids }, outboxLeaseOwner: token }).toArray()) as unknown as Array<
      { _id: unknown } & OutboxFields
    >;
    const claimed = won.filter((doc) => doc.outbox.length > 0);
    // Marked but empty (a relay stopped between removing and unmarking): unmark and let go.
    const empty = won.filter((doc) => doc.outbox.length === 0).map((doc) => doc._id);
    if (empty.length > 0) {
      await this.clearPending(empty);
      await collection.bulkWrite(
        empty.map((id) => ({
          updateOne: {
            filter: { _id: id, outboxLeaseOwner: token } as Filter<Document>,
            update: { $unset: { outboxLeaseOwner: '', outboxLeaseUntil: '' } },
          },
        })),
        { ordered: false },
      );
    }
    return { token, claimed };
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    let failures = 0;
    while (this.running) {
      this.woken = false;
      let published = 0;
      try {
        published = await this.publishPending();
        failures = 0;
      } catch (error) {
        failures += 1;
        logger.warn({ err: error, failures }, 'outbox relay round failed; retrying');
        if ((producerStateLost(error) || failures % 3 === 0) && this.running) {
          await this.renewProducer().catch((renewError: unknown) =>
            logger.warn({ err: renewError }, 'outbox relay could not renew its producer'),
          );
        }
      }
      if (!this.running) break;
      // Something was published (more may wait) or a local write woke us: go again at once.
      if (published > 0 || this.woken) continue;
      const delay = failures > 0 ? Math.min(this.pollIntervalMs * 2 ** failures, 10_000) : this.pollIntervalMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

const producerStateErrors = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']);

/** Whether the broker no longer accepts this producer id's sequence (kafkajs nests the cause). */
function producerStateLost(error: unknown): boolean {
  for (let e = error as { type?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.type && producerStateErrors.has(e.type)) return true;
  }
  return false;
}

/** Aggregates with at least one pending event (see outboxPendingMark). */
function pendingFilter(): Document {
  return { ...outboxPendingMark };
}

/** The mongoose shape of an outbox entry, for the `outbox` array of an aggregate's schema. */
export const outboxEntrySchema = new Schema<OutboxEntry>(
  {
    id: { type: String, required: true },
    type: { type: String, required: true },
    source: { type: String, required: true },
    subject: { type: String, required: true },
    time: { type: String, required: true },
    tenantId: { type: String, required: true },
    traceparent: { type: String },
    data: { type: Schema.Types.Mixed, required: true },
  },
  { _id: false },
);
