import { OutboxRelay, type ServiceRuntime } from '@balai/platform';
import { AbuseLimits } from './abuse-limits.js';
import { agencyModel } from './agency.schema.js';
import { AgencyRepository } from './agency-repository.js';
import { AuditLog, auditModel } from './audit-log.js';
import type { IdentityConfig } from './config.js';
import { seedDemoAccounts } from './demo-accounts.js';
import { demoAgencies } from './demo-agencies.js';
import { demoTenants } from './demo-tenants.js';
import { limitCounterModel } from './limit-counter.schema.js';
import { LimitCounterRepository } from './limit-counter-repository.js';
import { DroppingNotificationSender, LogNotificationSender, type NotificationSender } from './notification-sender.js';
import { oneTimeCodeModel } from './one-time-code.schema.js';
import { OneTimeCodes } from './one-time-codes.js';
import { OtpRepository } from './otp-repository.js';
import { PasswordHasher } from './password-hasher.js';
import { tenantModel } from './tenant.schema.js';
import { TenantRepository } from './tenant-repository.js';
import type { AccountDeps } from './use-case-support.js';
import { loginNameModel, userModel } from './user.schema.js';
import { UserRepository } from './user-repository.js';

export interface AccountsOptions {
  /** Replaces the configured sender (tests capture the messages). */
  notificationSender?: NotificationSender;
  clock?: () => Date;
}

/** Tenants, agencies, users and codes with what they need, for the gRPC API and the login page. */
export interface Accounts {
  deps: AccountDeps;
  users: UserRepository;
  tenants: TenantRepository;
  hasher: PasswordHasher;
}

function configuredSender(config: IdentityConfig, runtime: ServiceRuntime): NotificationSender {
  if (config.NOTIFICATION_SENDER === 'log') {
    runtime.logger.warn('NOTIFICATION_SENDER=log: account codes are written to the log (development only)');
    return new LogNotificationSender(runtime.logger.child({ component: 'notifications' }));
  }
  runtime.logger.warn('NOTIFICATION_SENDER=none: verification and activation codes are not delivered');
  return new DroppingNotificationSender();
}

/**
 * Creates the account collections and their indexes, seeds the demo data when asked, and
 * starts the outbox relay of the users collection (stopped before the clients are closed).
 */
export async function startAccounts(
  runtime: ServiceRuntime,
  config: IdentityConfig,
  options: AccountsOptions = {},
): Promise<Accounts> {
  const { mongo, logger } = runtime;
  const clock = options.clock ?? (() => new Date());
  const models = {
    tenants: tenantModel(mongo),
    agencies: agencyModel(mongo),
    users: userModel(mongo),
    loginNames: loginNameModel(mongo),
    codes: oneTimeCodeModel(mongo),
    limitCounters: limitCounterModel(mongo),
    audit: auditModel(mongo),
  };
  for (const model of Object.values(models)) {
    await model.createCollection();
    await model.syncIndexes();
  }
  const tenants = new TenantRepository(models.tenants);
  const agencies = new AgencyRepository(models.agencies);
  if (config.SEED_DEMO_DATA) {
    for (const tenant of demoTenants) await tenants.upsert(tenant);
    for (const agency of demoAgencies) await agencies.upsert(agency);
    logger.info(
      { tenants: demoTenants.map((tenant) => tenant._id), agencies: demoAgencies.length },
      'demo tenants and agencies seeded',
    );
  }

  const relay = new OutboxRelay({
    collection: models.users.collection,
    kafka: runtime.kafka,
    logger: logger.child({ component: 'outbox-relay' }),
    topicPrefix: runtime.topicPrefix,
    pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
  });
  await relay.start();
  runtime.lifecycle.onStop('outbox relay', () => relay.stop());

  const users = new UserRepository(models.users, models.loginNames, { clock });
  const hasher = new PasswordHasher();
  const limitCounters = new LimitCounterRepository(models.limitCounters);
  purgeEndedLimitCounters(runtime, limitCounters, clock);
  const deps: AccountDeps = {
    users,
    agencies,
    tenants,
    codes: new OneTimeCodes(new OtpRepository(models.codes), clock),
    limits: new AbuseLimits(
      limitCounters,
      {
        contactIntervalMs: config.CONTACT_MESSAGE_INTERVAL_SECONDS * 1000,
        contactMessagesPerDay: config.CONTACT_MESSAGES_PER_DAY,
        contactCodesPerDay: config.CONTACT_CODES_PER_DAY,
        addressCodeRequestsPerDay: config.ADDRESS_CODE_REQUESTS_PER_DAY,
        addressFailedVerificationsPerDay: config.ADDRESS_FAILED_VERIFICATIONS_PER_DAY,
      },
      clock,
    ),
    audit: new AuditLog(models.audit),
    sender: options.notificationSender ?? configuredSender(config, runtime),
    hasher,
    clock,
    onCommitted: () => relay.notify(),
    logger: logger.child({ component: 'accounts' }),
  };
  if (config.SEED_DEMO_DATA && config.DEMO_PASSWORD) {
    await seedDemoAccounts({ users, hasher, clock, logger }, config.DEMO_PASSWORD);
  }
  return { deps, users, tenants, hasher };
}

/** How often ended limit counters are deleted; they are never read after their window, so this is housekeeping. */
const limitCounterPurgeIntervalMs = 15 * 60_000;

/** Deletes ended limit counters now and then (FerretDB has no TTL indexes); stopped on shutdown. */
function purgeEndedLimitCounters(runtime: ServiceRuntime, counters: LimitCounterRepository, clock: () => Date): void {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= counters
      .purgeExpired(clock())
      .catch((error: unknown) =>
        runtime.logger.warn(
          { code: 'LIMIT_COUNTER_PURGE_FAILED', error: (error as Error).name },
          'ended limit counters could not be purged',
        ),
      )
      .finally(() => {
        running = undefined;
      });
  }, limitCounterPurgeIntervalMs);
  timer.unref();
  runtime.lifecycle.onStop('limit counter purge', async () => {
    clearInterval(timer);
    await running;
  });
}
