import { complaintsV1 } from '@balai/contracts';
import {
  type Logger,
  migrateOnce,
  OutboxRelay,
  type RunningService,
  registerErrors,
  startService,
} from '@balai/platform';
import { complaintsGrpcHandlers } from './api/grpc-handlers.js';
import { SlaScheduler } from './api/sla-scheduler.js';
import { IdentityOrganisationDirectory, type OrganisationDirectory } from './clients/organisation-directory.js';
import { type ComplaintsConfig, escalationFractions } from './config.js';
import { categoryModel } from './data/category.schema.js';
import { CategoryRepository } from './data/category-repository.js';
import { complaintModel } from './data/complaint.schema.js';
import { backfillGeohashes, backfillSlaSchedules } from './data/complaint-backfill.js';
import { ComplaintRepository } from './data/complaint-repository.js';
import { demoCategories } from './data/demo-categories.js';
import { complaintErrors } from './domain/complaint-errors.js';
import type { SweepResult } from './use-cases/sweep-sla.js';

/** The running service, and one SLA sweep on demand (tests drive it with their clock). */
export interface RunningComplaints extends RunningService {
  sweepSla(): Promise<SweepResult>;
}

/** Starts the complaints service: database, Kafka, outbox relay, gRPC API, ops HTTP. */
export function startComplaints(
  config: ComplaintsConfig,
  options: { logger?: Logger; clock?: () => Date } = {},
): Promise<RunningComplaints> {
  registerErrors(complaintErrors);
  let scheduler: SlaScheduler | null = null;
  const fractions = escalationFractions(config);
  const clock = options.clock ?? (() => new Date());
  const started = startService('complaints', config, options.logger, async (runtime) => {
    const model = complaintModel(runtime.mongo);
    const categoriesModel = categoryModel(runtime.mongo);
    for (const each of [model, categoriesModel]) {
      await each.createCollection();
      await each.syncIndexes();
    }
    const repository = new ComplaintRepository(model);
    await migrateOnce(
      runtime.mongo,
      'complaints.geohash',
      async () => (await backfillGeohashes(repository, runtime.logger)).finished,
    );
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

    const identity = new IdentityOrganisationDirectory(config.IDENTITY_GRPC_TARGET, config.IDENTITY_GRPC_DEADLINE_MS);
    runtime.lifecycle.onStop('identity client', async () => identity.close());
    const directory: OrganisationDirectory = identity;
    // Needs identity (reopen windows): when it is not up yet, the next start finishes the job.
    await migrateOnce(
      runtime.mongo,
      'complaints.sla-schedule',
      async () => (await backfillSlaSchedules({ repository, directory, fractions, logger: runtime.logger })).finished,
    ).catch((error: unknown) =>
      runtime.logger.warn({ err: error }, 'SLA schedule backfill stopped; the next start resumes it'),
    );
    const sla = new SlaScheduler({
      repository,
      directory,
      clock,
      onCommitted: () => relay.notify(),
      logger: runtime.logger.child({ component: 'sla-scheduler' }),
      fractions,
    });
    sla.start(config.SLA_SCHEDULER_INTERVAL_MS);
    // Stopped before the relay and the identity client it uses (stoppers run in reverse).
    runtime.lifecycle.onStop('SLA scheduler', () => sla.stop());
    scheduler = sla;

    const handlers = complaintsGrpcHandlers(runtime.logger, {
      repository,
      categories,
      clock,
      onCommitted: () => relay.notify(),
      directory,
      escalationFractions: fractions,
      nearby: { radiusMeters: config.DUPLICATE_RADIUS_METERS, maxAgeDays: config.DUPLICATE_MAX_AGE_DAYS },
    });
    return (grpc) => grpc.add(complaintsV1.ComplaintsServiceService, handlers);
  });
  return started.then((service) => ({
    ...service,
    sweepSla: () => {
      if (!scheduler) throw new Error('the SLA scheduler has not started');
      return scheduler.sweep();
    },
  }));
}
