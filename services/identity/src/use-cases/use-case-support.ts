import { randomUUID } from 'node:crypto';
import {
  AppError,
  type CallContext,
  type ErrorDetail,
  email,
  fieldProblems,
  fullName,
  type Logger,
  type OutboxEntry,
  phone,
  requireRole,
  requireTenant,
  singleSpaced,
  staleVersion,
} from '@balai/platform';
import Type, { type TSchema } from 'typebox';
import type { NotificationMessage, NotificationSender } from '../clients/notification-sender.js';
import type { AgencyRepository } from '../data/agencies/agency-repository.js';
import type { AuditLog } from '../data/audit-log-repository.js';
import type { TenantDocument } from '../data/tenants/tenant.schema.js';
import type { TenantRepository } from '../data/tenants/tenant-repository.js';
import type { CodeSlot } from '../data/users/otp-repository.js';
import type { User, UserChanges, UserRepository } from '../data/users/user-repository.js';
import { type Locale, locales, resolveTenantSettings, type TenantSettings } from '../domain/tenants/tenant-settings.js';
import { foldEmail } from '../domain/users/login-identifier.js';
import type { AbuseLimits } from './users/abuse-limits.js';
import type { OneTimeCodes } from './users/one-time-codes.js';

/** The users and their login names as the use cases reach them (UserRepository in production). */
export type UserStore = Pick<
  UserRepository,
  'insert' | 'findByLogin' | 'findById' | 'findManyByIds' | 'listStaff' | 'update'
>;
/** A tenant's agencies as the use cases reach them (AgencyRepository in production). */
export type AgencyStore = Pick<AgencyRepository, 'findById' | 'insert' | 'list'>;
/** The tenants as the use cases reach them (TenantRepository in production). */
export type TenantStore = Pick<TenantRepository, 'list' | 'findById' | 'chainOf' | 'updateSettings'>;

/** What the account use cases work with; each takes the part it needs. */
export interface AccountDeps {
  users: UserStore;
  agencies: AgencyStore;
  tenants: TenantStore;
  codes: Pick<OneTimeCodes, 'issue' | 'verify'>;
  /** What anonymous callers may make identity send or check (issue 11); see abuse-limits.ts. */
  limits: Pick<AbuseLimits, 'mayMessage' | 'requireCodeRequests' | 'countFailedChecks'>;
  audit: Pick<AuditLog, 'record'>;
  sender: NotificationSender;
  hasher: { hash(password: string): Promise<string> };
  clock: () => Date;
  newId?: () => string;
  /** Wakes the outbox relay after a write with events. */
  onCommitted: () => void;
  /** For failures that must not change the answer (a message that could not be sent). */
  logger: Pick<Logger, 'error' | 'info'>;
}

/** What writing an audit entry after a change needs (see recordAudit). */
export type AuditDeps = Pick<AccountDeps, 'audit' | 'logger'>;

export function newIdOf(deps: Pick<AccountDeps, 'newId'>): string {
  return (deps.newId ?? randomUUID)();
}

/** An authenticated tenant admin of the context's tenant, or a platform admin acting in it. */
export function requireTenantAdmin(context: CallContext): { tenantId: string; actorId: string } {
  const tenantId = requireTenant(context);
  requireRole(context, ['tenant_admin', 'platform_admin']);
  return { tenantId, actorId: context.subject ?? '' };
}

/** The tenant and its resolved settings; UNKNOWN_TENANT when it does not exist. */
export async function tenantWithSettings(
  tenants: Pick<TenantStore, 'chainOf'>,
  tenantId: string,
): Promise<{ tenant: TenantDocument; settings: TenantSettings }> {
  const chain = await tenants.chainOf(tenantId);
  const tenant = chain[0];
  if (!tenant) throw new AppError('UNKNOWN_TENANT', `No tenant ${tenantId}`);
  return { tenant, settings: resolveTenantSettings(chain.map(settingsLayerOf)) };
}

/** A tenant's own settings as one layer of the resolution; its locale is a field of its own. */
export function settingsLayerOf(tenant: TenantDocument): { settings: Partial<TenantSettings> } {
  const locale = (locales as readonly string[]).includes(tenant.defaultLocale)
    ? (tenant.defaultLocale as Locale)
    : undefined;
  return { settings: { ...tenant.settings, ...(locale ? { defaultLocale: locale } : {}) } };
}

/**
 * A text field as any gRPC caller sends it, read by `read` (trim, fold case); '' is proto3's
 * default, so not given. Anything but a string is left for the schema to refuse.
 */
export function givenText<T>(value: T, read = (text: string) => text): T | string | undefined {
  if (value === '' || value === undefined) return undefined;
  return typeof value === 'string' ? read(value) : value;
}

/** A new account's name and contacts; at least one of the contacts (newAccountProblems). */
export const newAccountFields = {
  fullName: fullName(),
  email: Type.Optional(email()),
  phone: Type.Optional(phone()),
};

/** A new account's name and contacts as a gRPC caller sends them: '' is not given. */
export interface NewAccountInput {
  fullName: string;
  email?: string;
  phone?: string;
}

/**
 * The name and contacts as identity checks and stores them: the name single-spaced, the contacts
 * trimmed, the e-mail address lower-cased. The phone is read as a +62 number later
 * (normaliseMobile), after the checks that come first.
 */
export function readNewAccount(input: NewAccountInput): NewAccountInput {
  return {
    fullName: typeof input.fullName === 'string' ? singleSpaced(input.fullName) : input.fullName,
    email: givenText(input.email, foldEmail),
    phone: givenText(input.phone, (text) => text.trim()),
  };
}

/** What is wrong with a new account by its use case's schema, and with its contacts: one is needed. */
export function newAccountProblems<Account extends NewAccountInput>(schema: TSchema, account: Account): ErrorDetail[] {
  const problems = fieldProblems(schema, account);
  if (account.email === undefined && account.phone === undefined) {
    problems.push({ field: '/email', message: 'give an e-mail address or a phone number' });
  }
  return problems;
}

/**
 * The target of an admin action: a user of the caller's tenant (another tenant's is simply
 * not found), which a tenant admin may touch unless it holds platform_admin.
 */
export async function adminTarget(
  deps: { users: Pick<UserStore, 'findById'> },
  context: CallContext,
  tenantId: string,
  userId: unknown,
): Promise<User> {
  const target = typeof userId === 'string' && userId !== '' ? await deps.users.findById(tenantId, userId) : null;
  if (!target) throw new AppError('USER_NOT_FOUND');
  if (target.roles.includes('platform_admin') && !context.roles.includes('platform_admin')) {
    throw new AppError('FORBIDDEN', 'Only a platform admin may change a platform admin');
  }
  return target;
}

/** What an admin's change to a user needs: the user's read and its version-checked write. */
export type AdminChangeDeps = AuditDeps &
  Pick<AccountDeps, 'clock' | 'onCommitted'> & {
    users: Pick<UserStore, 'findById' | 'update'>;
  };

/**
 * An admin's change to a user: applied with its event at the version read (a concurrent change
 * is STALE_VERSION), then the relay is woken and the audit entry written after the commit.
 */
export async function commitAdminChange(
  deps: AuditDeps & Pick<AccountDeps, 'onCommitted'> & { users: Pick<UserStore, 'update'> },
  change: {
    target: Pick<User, '_id' | 'tenantId'>;
    expectedVersion: number;
    changes: UserChanges;
    event: OutboxEntry;
    audit: Parameters<AccountDeps['audit']['record']>[0];
  },
): Promise<User> {
  const { target, expectedVersion, changes, event, audit } = change;
  const result = await deps.users.update(target.tenantId, target._id, expectedVersion, changes, [event]);
  if (result.outcome === 'not_found') throw new AppError('USER_NOT_FOUND');
  if (result.outcome === 'stale') throw staleVersion(result.currentVersion);
  deps.onCommitted();
  await recordAudit(deps, audit);
  return result.user;
}

/** What sending a message to a contact needs: its budget, the sender, a log for what went wrong. */
export type MessageDeps = Pick<AccountDeps, 'sender' | 'logger'> & {
  limits: Pick<AccountDeps['limits'], 'mayMessage'>;
};

/** Sends without letting a delivery failure change the caller's answer (it would reveal state). */
async function sendQuietly(deps: Pick<AccountDeps, 'sender' | 'logger'>, message: NotificationMessage): Promise<void> {
  try {
    await deps.sender.send(message);
  } catch (error) {
    // No `err`: a provider's error message may quote the recipient. Template and channel only.
    deps.logger.error(
      {
        errorName: error instanceof Error ? error.name : typeof error,
        template: message.template,
        channel: message.channel,
      },
      'notification could not be sent',
    );
  }
}

function logOverBudget(deps: Pick<AccountDeps, 'logger'>, message: Pick<NotificationMessage, 'template' | 'channel'>) {
  // Template and channel only: the contact is personal data, and the counters know it by a hash.
  deps.logger.info(
    { code: 'CONTACT_BUDGET_SPENT', template: message.template, channel: message.channel },
    "message not sent: over the contact's budget",
  );
}

/**
 * Sends a message without a code (a notice) if the contact's budget allows it; otherwise
 * nothing, and the caller's answer is the same (abuse-limits.ts). The one way notices are sent.
 */
export async function sendNotice(deps: MessageDeps, message: NotificationMessage): Promise<void> {
  if (await deps.limits.mayMessage(message, message.template, { code: false })) await sendQuietly(deps, message);
  else logOverBudget(deps, message);
}

/**
 * Makes a code for the slot and sends it (as `params.code`) if the contact's budget allows it;
 * otherwise no code is made, so a code the contact already holds stays valid, and the caller's
 * answer is the same. The one way codes are issued. True when one was sent.
 */
export async function sendCode(
  deps: MessageDeps & { codes: Pick<AccountDeps['codes'], 'issue'> },
  slot: CodeSlot,
  ttlMs: number,
  message: NotificationMessage,
): Promise<boolean> {
  if (!(await deps.limits.mayMessage(message, message.template, { code: true }))) {
    logOverBudget(deps, message);
    return false;
  }
  const code = await deps.codes.issue(slot, ttlMs);
  await sendQuietly(deps, { ...message, params: { ...message.params, code } });
  return true;
}

/**
 * Writes the audit entry of a change that has already committed. The order is deliberate:
 * state and events commit together first (one document), the audit entry after; there is no
 * transaction to join them. Written before, a failed command would leave an entry for a change
 * that never happened; written after, a crash in between loses an entry but never invents one,
 * and the change's event (published from the outbox) still records it. A failed audit write is
 * logged loudly, not turned into an error: the caller's change did happen.
 */
export async function recordAudit(
  deps: AuditDeps,
  entry: Parameters<AccountDeps['audit']['record']>[0],
): Promise<void> {
  try {
    await deps.audit.record(entry);
  } catch (error) {
    deps.logger.error(
      { err: error, action: entry.action, targetId: entry.targetId, tenantId: entry.tenantId },
      'audit entry could not be written',
    );
  }
}
