import { identityV1 } from '@balai/contracts';
import {
  type Logger,
  OutboxRelay,
  type RunningService,
  registerErrors,
  type ServiceRuntime,
  startService,
} from '@balai/platform';
import { identityGrpcHandlers } from './api/grpc-handlers.js';
import { purgeEndedLimitCounters } from './api/limit-counter-purge.js';
import { type OidcService, startOidc } from './api/oidc/oidc-service.js';
import { honourTrustedProxiesOnly, TrustedProxies } from './api/trusted-proxies.js';
import { configuredNotificationSender, type NotificationSender } from './clients/notification-sender.js';
import type { IdentityConfig } from './config.js';
import { agencyModel } from './data/agencies/agency.schema.js';
import { AgencyRepository } from './data/agencies/agency-repository.js';
import { demoAgencies } from './data/agencies/demo-agencies.js';
import { auditModel } from './data/audit-log.schema.js';
import { AuditLog } from './data/audit-log-repository.js';
import { demoTenants } from './data/tenants/demo-tenants.js';
import { tenantModel } from './data/tenants/tenant.schema.js';
import { TenantRepository } from './data/tenants/tenant-repository.js';
import { seedDemoAccounts } from './data/users/demo-accounts.js';
import { limitCounterModel } from './data/users/limit-counter.schema.js';
import { LimitCounterRepository } from './data/users/limit-counter-repository.js';
import { oneTimeCodeModel } from './data/users/one-time-code.schema.js';
import { OtpRepository } from './data/users/otp-repository.js';
import { loginNameModel, userModel } from './data/users/user.schema.js';
import { UserRepository } from './data/users/user-repository.js';
import { identityErrors } from './domain/identity-errors.js';
import { PasswordHasher } from './domain/users/password-hasher.js';
import type { AccountDirectory } from './use-cases/oidc/account-directory.js';
import { userAccountDirectory } from './use-cases/oidc/user-account-directory.js';
import type { AccountDeps } from './use-cases/use-case-support.js';
import { AbuseLimits } from './use-cases/users/abuse-limits.js';
import { OneTimeCodes } from './use-cases/users/one-time-codes.js';

export interface AccountsOptions {
  /** Replaces the configured sender (tests capture the messages). */
  notificationSender?: NotificationSender;
  clock?: () => Date;
}

export interface IdentityOptions extends AccountsOptions {
  logger?: Logger;
  /** The accounts the OIDC login page authenticates; by default identity's users. */
  accountDirectory?: AccountDirectory;
}

export interface RunningIdentity extends RunningService {
  /** Registers OAuth clients at runtime (tests, partner onboarding). */
  oidc: Pick<OidcService, 'registerClient' | 'maintain'>;
}

/** Starts identity: tenants, agencies, users (with their outbox relay), the gRPC API and the OIDC provider. */
export async function startIdentity(config: IdentityConfig, options: IdentityOptions = {}): Promise<RunningIdentity> {
  registerErrors(identityErrors);
  let oidc: OidcService | undefined;
  const running = await startService('identity', config, options.logger, async (runtime) => {
    const accounts = await startAccounts(runtime, config, options);
    const proxies = TrustedProxies.parse(config.TRUSTED_PROXIES);
    const service = await startOidc(runtime, config, {
      accounts: options.accountDirectory ?? userAccountDirectory(accounts.users),
      tenants: accounts.tenants,
      hasher: accounts.hasher,
      proxies,
      clock: options.clock,
    });
    oidc = service;
    return {
      grpc: (grpc) =>
        grpc.add(
          identityV1.IdentityServiceService,
          identityGrpcHandlers(
            runtime.logger,
            accounts.deps,
            { ...accounts.deps, partnerApps: service.partnerApps },
            { origins: () => service.webClientOrigins() },
          ),
        ),
      http: (app) => {
        // First, on the root: no route and not the provider sees an untrusted peer's X-Forwarded-*.
        honourTrustedProxiesOnly(app, proxies);
        service.registerRoutes(app);
      },
    };
  });
  if (!oidc) throw new Error('identity started without its OIDC provider');
  return { ...running, oidc };
}

/** Tenants, agencies, users and codes with what they need, for the gRPC API and the login page. */
interface Accounts {
  deps: AccountDeps;
  users: UserRepository;
  tenants: TenantRepository;
  hasher: PasswordHasher;
}

/**
 * Creates the account collections and their indexes, seeds the demo data when asked, and
 * starts the outbox relay of the users collection (stopped before the clients are closed).
 */
async function startAccounts(
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
    sender: options.notificationSender ?? configuredNotificationSender(config.NOTIFICATION_SENDER, runtime.logger),
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
