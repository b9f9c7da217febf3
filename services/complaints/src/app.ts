import { complaintsV1 } from '@balai/contracts';
import { type Logger, OutboxRelay, startRuntime, startServing } from '@balai/platform';
import { complaintModel } from './complaint.schema.js';
import { ComplaintRepository } from './complaint-repository.js';
import type { ComplaintsConfig } from './config.js';
import { complaintsGrpcHandlers } from './grpc-handlers.js';

export interface RunningComplaints {
  grpcPort: number;
  httpPort: number;
  relay: OutboxRelay;
  stop(): Promise<void>;
}

/** Starts the complaints service: database, Kafka, outbox relay, gRPC API, ops HTTP. */
export async function startComplaints(
  config: ComplaintsConfig,
  options: { logger?: Logger; clock?: () => Date } = {},
): Promise<RunningComplaints> {
  const runtime = await startRuntime('complaints', config, options.logger);
  const { logger, lifecycle } = runtime;
  try {
    const model = complaintModel(runtime.mongo);
    await model.createCollection();
    await model.syncIndexes();
    const repository = new ComplaintRepository(model);

    const relay = new OutboxRelay({
      collection: model.collection,
      producer: runtime.producer,
      logger: logger.child({ component: 'outbox-relay' }),
      topicPrefix: runtime.topicPrefix,
      pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
    });
    relay.start();
    lifecycle.onStop('outbox relay', () => relay.stop());

    const ports = await startServing(
      runtime,
      { host: config.HOST, grpcPort: config.GRPC_PORT, httpPort: config.HTTP_PORT },
      (grpc) => {
        grpc.add(
          complaintsV1.ComplaintsServiceService,
          complaintsGrpcHandlers(logger, {
            repository,
            clock: options.clock ?? (() => new Date()),
            onCommitted: () => relay.notify(),
          }),
        );
      },
    );
    return { ...ports, relay, stop: () => lifecycle.shutdown() };
  } catch (error) {
    await lifecycle.shutdown('start-up failed');
    throw error;
  }
}
