import { complaintsV1 } from '@balai/contracts';
import { type Logger, OutboxRelay, type RunningService, startService } from '@balai/platform';
import { complaintModel } from './complaint.schema.js';
import { ComplaintRepository } from './complaint-repository.js';
import type { ComplaintsConfig } from './config.js';
import { complaintsGrpcHandlers } from './grpc-handlers.js';

/** Starts the complaints service: database, Kafka, outbox relay, gRPC API, ops HTTP. */
export function startComplaints(
  config: ComplaintsConfig,
  options: { logger?: Logger; clock?: () => Date } = {},
): Promise<RunningService> {
  return startService('complaints', config, options.logger, async (runtime) => {
    const model = complaintModel(runtime.mongo);
    await model.createCollection();
    await model.syncIndexes();
    const repository = new ComplaintRepository(model);

    const relay = new OutboxRelay({
      collection: model.collection,
      kafka: runtime.kafka,
      logger: runtime.logger.child({ component: 'outbox-relay' }),
      topicPrefix: runtime.topicPrefix,
      pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
    });
    await relay.start();
    runtime.lifecycle.onStop('outbox relay', () => relay.stop());

    const handlers = complaintsGrpcHandlers(runtime.logger, {
      repository,
      clock: options.clock ?? (() => new Date()),
      onCommitted: () => relay.notify(),
    });
    return (grpc) => grpc.add(complaintsV1.ComplaintsServiceService, handlers);
  });
}
