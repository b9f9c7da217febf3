import { analyticsV1 } from '@balai/contracts';
import { type Logger, migrateOnce, type RunningService, startService } from '@balai/platform';
import { consumeComplaintEvents } from './api/complaint-event-consumer.js';
import { analyticsGrpcHandlers } from './api/grpc-handlers.js';
import type { AnalyticsConfig } from './config.js';
import { complaintViewModel } from './data/complaint-view.schema.js';
import { ComplaintViewRepository } from './data/complaint-view-repository.js';

/** Starts analytics: read models fed by the complaint stream, gRPC queries, ops HTTP. */
export function startAnalytics(config: AnalyticsConfig, options: { logger?: Logger } = {}): Promise<RunningService> {
  return startService('analytics', config, options.logger, async (runtime) => {
    const views = complaintViewModel(runtime.mongo);
    await views.createCollection();
    await views.syncIndexes();
    const repository = new ComplaintViewRepository(views);
    await migrateOnce(runtime.mongo, 'analytics.complaint-view-versions', async () => {
      await repository.backfillVersions();
      return true;
    });
    await consumeComplaintEvents(runtime, config.KAFKA_GROUP_ID, repository);
    return (grpc) => grpc.add(analyticsV1.AnalyticsServiceService, analyticsGrpcHandlers(runtime.logger, repository));
  });
}
