import { complaintsV1 } from '@balai/contracts';
import { createGrpcServer, type Logger, OutboxRelay, startOpsServer, startRuntime } from '@balai/platform';
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

    const grpc = createGrpcServer({ host: config.HOST, port: config.GRPC_PORT, logger });
    grpc.add(
      complaintsV1.ComplaintsServiceService,
      complaintsGrpcHandlers(logger, {
        repository,
        clock: options.clock ?? (() => new Date()),
        onCommitted: () => relay.notify(),
      }),
    );
    const grpcPort = await grpc.start();
    lifecycle.onStop('grpc server', () => grpc.stop());
    grpc.health.setStatus('', 'SERVING');

    const ops = await startOpsServer(runtime, { host: config.HOST, port: config.HTTP_PORT });
    logger.info({ grpcPort, httpPort: ops.port }, 'complaints service started');
    return { grpcPort, httpPort: ops.port, relay, stop: () => lifecycle.shutdown() };
  } catch (error) {
    await lifecycle.shutdown('start-up failed');
    throw error;
  }
}
