import { Kafka, logLevel } from 'kafkajs';

/** The event that says a complaint is closed (complaint-transitions.ts `rateComplaint`), analytics' closed count. */
const closedType = 'id.balai.complaints.complaint.closed.v1';

export interface RelaySummary {
  /** Closed events of the run seen on the topic. */
  seen: number;
  /** Commit (the event's `ce_time`, the transition's time) to its append on the topic (the record's timestamp), ms. */
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/**
 * Watches the complaints stream as a consumer group of its own, from the moment it joins, to
 * split the event-to-analytics lag in two: how long a closed event waits in the outbox before
 * the relay publishes it (its `ce_time`, set at commit, against the record's timestamp, set by
 * the relay's producer), and, by difference with the counted lag, what the analytics consumer
 * adds. Both clocks are this machine's.
 */
export class EventStreamProbe {
  readonly #delays = new Map<string, number>();
  readonly #kafka: Kafka;
  readonly #groupId = `bench-lifecycle-probe-${Date.now().toString(36)}`;
  readonly #consumer;

  constructor(
    brokers: string[],
    private readonly topic: string,
  ) {
    this.#kafka = new Kafka({ clientId: 'bench-lifecycle-probe', brokers, logLevel: logLevel.NOTHING });
    this.#consumer = this.#kafka.consumer({ groupId: this.#groupId });
  }

  /** Resolves once the group has its partitions, so no event of the run is missed. */
  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.topic, fromBeginning: false });
    const joined = new Promise<void>((resolve) => {
      this.#consumer.on(this.#consumer.events.GROUP_JOIN, () => resolve());
    });
    await this.#consumer.run({
      eachMessage: async ({ message }) => {
        const header = (name: string) => message.headers?.[name]?.toString();
        if (header('ce_type') !== closedType || !message.key) return;
        const committedAt = Date.parse(header('ce_time') ?? '');
        if (Number.isNaN(committedAt)) return;
        this.#delays.set(message.key.toString(), Number(message.timestamp) - committedAt);
      },
    });
    await joined;
  }

  /** The relay delays of these complaints' closed events (those that reached the topic). */
  summary(complaintIds: string[]): RelaySummary {
    const delays = complaintIds.flatMap((id) => {
      const delay = this.#delays.get(id);
      return delay === undefined ? [] : [delay];
    });
    const sorted = delays.sort((a, b) => a - b);
    const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
    return { seen: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: sorted.at(-1) ?? 0 };
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect();
    // A probe's group is of no use after the run; leaving it would list it in `./balai dlq` and kafka tools.
    const admin = this.#kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.#groupId]);
    } catch {
      // Deleting the group is tidiness, not part of the measurement.
    } finally {
      await admin.disconnect();
    }
  }
}
