import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import type { Collection, Document, Filter } from 'mongodb';
import { Schema } from 'mongoose';
import type { Logger } from '../logger.js';
import { type OutboxEntry, toKafkaRecord, topicOf } from './envelope.js';

/** The fields an aggregate document carries for the outbox pattern. */
export interface OutboxFields {
  outbox: OutboxEntry[];
  outboxLeaseOwner?: string;
  outboxLeaseUntil?: Date;
}

export interface OutboxRelayOptions {
  collection: Collection<Document>;
  producer: Producer;
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
  private readonly owner = randomUUID();
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private woken = false;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 15_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Called right after a local write so the event goes out without waiting for the poll. */
  notify(): void {
    this.woken = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** One round: claim, publish, remove. Returns the number of events published. */
  async publishPending(): Promise<number> {
    const { collection } = this.options;
    const claimed = await this.claim();
    if (claimed.length === 0) return 0;
    const byTopic = new Map<string, ReturnType<typeof toKafkaRecord>[]>();
    for (const doc of claimed) {
      for (const entry of doc.outbox) {
        const topic = topicOf(entry.type, this.options.topicPrefix);
        const list = byTopic.get(topic) ?? [];
        list.push(toKafkaRecord(entry));
        byTopic.set(topic, list);
      }
    }
    try {
      await this.options.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      // Give the claims back at once so the next round (or another instance) retries in order.
      await collection.updateMany(
        { _id: { $in: claimed.map((doc) => doc._id) }, outboxLeaseOwner: this.owner } as Filter<Document>,
        { $unset: { outboxLeaseOwner: '', outboxLeaseUntil: '' } },
      );
      throw error;
    }
    let published = 0;
    for (const doc of claimed) {
      published += doc.outbox.length;
      // $pullAll with the exact entries read (FerretDB 1.x ignores $pull with a condition);
      // entries appended since the claim are different documents and stay for the next round.
      await collection.updateOne(
        { _id: doc._id } as Filter<Document>,
        { $pullAll: { outbox: doc.outbox }, $unset: { outboxLeaseOwner: '', outboxLeaseUntil: '' } } as Document,
      );
    }
    return published;
  }

  private async claim(): Promise<Array<{ _id: unknown } & OutboxFields>> {
    const { collection } = this.options;
    const now = new Date();
    const unleased = { $or: [{ outboxLeaseUntil: { $exists: false } }, { outboxLeaseUntil: { $lt: now } }] };
    const candidates = await collection
      .find({ ...pendingFilter(), ...unleased }, { projection: { _id: 1 }, limit: this.batchSize })
      .toArray();
    const claimed: Array<{ _id: unknown } & OutboxFields> = [];
    for (const candidate of candidates) {
      // The lease is taken with a conditional update, so only one instance wins each aggregate.
      const doc = await collection.findOneAndUpdate(
        { _id: candidate._id, ...unleased },
        { $set: { outboxLeaseOwner: this.owner, outboxLeaseUntil: new Date(now.getTime() + this.leaseMs) } },
        // No projection: FerretDB 1.x does not implement findAndModify's `fields`.
        { returnDocument: 'after' },
      );
      const fields = doc as unknown as ({ _id: unknown } & OutboxFields) | null;
      if (fields && fields.outbox.length > 0) claimed.push(fields);
    }
    return claimed;
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

/** Aggregates with at least one pending event. */
function pendingFilter(): Document {
  return { 'outbox.0': { $exists: true } };
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
