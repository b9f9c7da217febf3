import { complaintsV1 } from '@balai/contracts';
import { type Logger, OutboxRelay, type RunningService, startService } from '@balai/platform';
import { categoryModel } from './category.schema.js';
import { CategoryRepository } from './category-repository.js';
import { complaintModel } from './complaint.schema.js';
import { ComplaintRepository } from './complaint-repository.js';
import type { ComplaintsConfig } from './config.js';
import { demoCategories } from './demo-categories.js';
import { complaintsGrpcHandlers } from './grpc-handlers.js';

/** Starts the complaints service: database, Kafka, outbox relay, gRPC API, ops HTTP. */
export function startComplaints(
  config: ComplaintsConfig,
  options: { logger?: Logger; clock?: () => Date } = {},
): Promise<RunningService> {
  return startService('complaints', config, options.logger, async (runtime) => {
    const model = complaintModel(runtime.mongo);
    const categoriesModel = categoryModel(runtime.mongo);
    for (const each of [model, categoriesModel]) {
      await each.createCollection();
      await each.syncIndexes();
    }
    const repository = new ComplaintRepository(model);
    const categories = new CategoryRepository(categoriesModel);
    if (config.SEED_DEMO_DATA) {
      // Insert-if-missing: a catalogue an admin has edited since stays as they left it.
      let inserted = 0;
      for (const category of demoCategories) {
        const history = {
          version: 1,
          action: 'created' as const,
          at: category.updatedAt,
          actorId: 'seed',
          changedFields: [],
        };
        if (await categories.insert(category, history)) inserted += 1;
      }
      runtime.logger.info({ categories: demoCategories.length, inserted }, 'demo service catalogues seeded');
    }

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
      categories,
      clock: options.clock ?? (() => new Date()),
      onCommitted: () => relay.notify(),
      reopenWindowDays: config.COMPLAINT_REOPEN_WINDOW_DAYS,
    });
    return (grpc) => grpc.add(complaintsV1.ComplaintsServiceService, handlers);
  });
}
