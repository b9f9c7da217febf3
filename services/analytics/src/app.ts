import { analyticsV1 } from '@balai/contracts';
import { consumeEvents, type Logger, migrateOnce, type RunningService, startService } from '@balai/platform';
import { complaintProjection } from './complaint-projection.js';
import { complaintViewModel } from './complaint-view.schema.js';
import { ComplaintViewRepository } from './complaint-view-repository.js';
import type { AnalyticsConfig } from './config.js';
import { analyticsGrpcHandlers } from './grpc-handlers.js';

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
    await consumeEvents(runtime, {
      groupId: config.KAFKA_GROUP_ID,
      streams: ['complaints'],
      handlers: complaintProjection(repository),
    });
    return (grpc) => grpc.add(analyticsV1.AnalyticsServiceService, analyticsGrpcHandlers(runtime.logger, repository));
  });
}
