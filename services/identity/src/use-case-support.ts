import { randomUUID } from 'node:crypto';
import type { EventPayload, EventType } from '@balai/contracts';
import {
  AppError,
  type CallContext,
  type ErrorDetail,
  type Logger,
  newEvent,
  type OutboxEntry,
  requireRole,
  tenantIdPattern,
} from '@balai/platform';
import type { AbuseLimits } from './abuse-limits.js';
import type { AgencyRepository } from './agency-repository.js';
import type { AuditLog } from './audit-log.js';
import { normaliseEmail } from './login-identifier.js';
import type { NotificationMessage, NotificationSender } from './notification-sender.js';
import type { OneTimeCodes } from './one-time-codes.js';
import type { CodeSlot } from './otp-repository.js';
import type { TenantDocument } from './tenant.schema.js';
import type { TenantRepository } from './tenant-repository.js';
import { type Locale, locales, resolveTenantSettings, type TenantSettings } from './tenant-settings.js';
import type { User, UserChanges, UserRepository } from './user-repository.js';
import './identity-errors.js';

/** What the account use cases work with; each takes the part it needs. */
export interface AccountDeps {
  users: UserRepository;
  agencies: AgencyRepository;
  tenants: TenantRepository;
  codes: OneTimeCodes;
  /** What anonymous callers may make identity send or check (issue 11); see abuse-limits.ts. */
  limits: AbuseLimits;
  audit: AuditLog;
  sender: NotificationSender;
  hasher: { hash(password: string): Promise<string> };
  clock: () => Date;
  newId?: () => string;
  /** Wakes the outbox relay after a write with events. */
  onCommitted: () => void;
  /** For failures that must not change the answer (a message that could not be sent). */
  logger: Logger;
}

const eventSource = '/balai/identity';

export function newIdOf(deps: Pick<AccountDeps, 'newId'>): string {
  return (deps.newId ?? randomUUID)();
}

export function requireTenant(context: CallContext): string {
  if (!tenantIdPattern.test(context.tenantId)) throw new AppError('TENANT_REQUIRED');
  return context.tenantId;
}

/** An authenticated tenant admin of the context's tenant, or a platform admin acting in it. */
export function requireTenantAdmin(context: CallContext): { tenantId: string; actorId: string } {
  const tenantId = requireTenant(context);
  requireRole(context, ['tenant_admin', 'platform_admin']);
  return { tenantId, actorId: context.subject ?? '' };
}

/** The tenant and its resolved settings; UNKNOWN_TENANT when it does not exist. */
export async function tenantWithSettings(
  tenants: Pick<TenantRepository, 'chainOf'>,
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

/** A person's name as written: letters (any script), spaces and ' . , - ; 2 to 100 characters. */
function fullNameProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  const name = normaliseFullName(value);
  if (name.length < 2 || name.length > 100) return 'must be 2 to 100 characters';
  if (!/^[\p{L}\p{M}][\p{L}\p{M} .,'-]*$/u.test(name)) return "may hold letters, spaces and . , ' - only";
  return null;
}

export function normaliseFullName(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/**
 * Checks a new account's name and contacts as any gRPC caller sent them (at least one of
 * e-mail and phone), adding to `problems`; returns the normalised e-mail and whether a phone came.
 */
export function checkNameAndContacts(
  input: { fullName: unknown; email?: unknown; phone?: unknown },
  problems: ErrorDetail[],
): { email: string | null; phoneGiven: boolean } {
  const nameProblem = fullNameProblem(input.fullName);
  if (nameProblem) problems.push({ field: '/fullName', message: nameProblem });
  const emailGiven = typeof input.email === 'string' && input.email !== '';
  const phoneGiven = typeof input.phone === 'string' && input.phone !== '';
  const email = emailGiven ? normaliseEmail(input.email as string) : null;
  if (emailGiven && !email) problems.push({ field: '/email', message: 'is not an e-mail address' });
  if (!emailGiven && !phoneGiven)
    problems.push({ field: '/email', message: 'give an e-mail address or a phone number' });
  return { email, phoneGiven };
}

/** An event about one user, in the user's tenant, carrying the caller's trace when there is one. */
export function userEvent<T extends EventType>(
  type: T,
  user: Pick<User, '_id' | 'tenantId'>,
  time: Date,
  traceparent: string | undefined,
  data: EventPayload<T>,
): OutboxEntry {
  return newEvent({ type, source: eventSource, subject: user._id, tenantId: user.tenantId, time, traceparent, data });
}

/** The `registered` event of a new user: ids, kind, roles and agency, no personal data. */
export function userRegisteredEvent(user: User, actorId: string, traceparent?: string): OutboxEntry {
  return userEvent('id.balai.identity.user.registered.v1', user, user.createdAt, traceparent, {
    userId: user._id,
    tenantId: user.tenantId,
    kind: user.kind,
    roles: user.roles,
    agencyId: user.agencyId ?? '',
    actorId,
    registeredAt: user.createdAt,
  });
}

/**
 * The target of an admin action: a user of the caller's tenant (another tenant's is simply
 * not found), which a tenant admin may touch unless it holds platform_admin.
 */
export async function adminTarget(
  deps: Pick<AccountDeps, 'users'>,
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

export function checkExpectedVersion(expected: unknown, allowUnset: boolean): number | null {
  if (allowUnset && (expected === 0 || expected === undefined)) return null;
  if (typeof expected !== 'number' || !Number.isInteger(expected) || expected < 1) {
    throw new AppError('VALIDATION_FAILED', 'The version is not valid', [
      { field: '/version', message: 'must be the version last read (a whole number from 1)' },
    ]);
  }
  return expected;
}

/**
 * An admin's change to a user: applied with its event at the version read (a concurrent change
 * is STALE_VERSION), then the relay is woken and the audit entry written after the commit.
 */
export async function commitAdminChange(
  deps: Pick<AccountDeps, 'users' | 'onCommitted' | 'audit' | 'logger'>,
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
  if (result.outcome === 'stale') throw new AppError('STALE_VERSION');
  deps.onCommitted();
  await recordAudit(deps, audit);
  return result.user;
}

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
export async function sendNotice(
  deps: Pick<AccountDeps, 'limits' | 'sender' | 'logger'>,
  message: NotificationMessage,
): Promise<void> {
  if (await deps.limits.mayMessage(message, message.template, { code: false })) await sendQuietly(deps, message);
  else logOverBudget(deps, message);
}

/**
 * Makes a code for the slot and sends it (as `params.code`) if the contact's budget allows it;
 * otherwise no code is made, so a code the contact already holds stays valid, and the caller's
 * answer is the same. The one way codes are issued. True when one was sent.
 */
export async function sendCode(
  deps: Pick<AccountDeps, 'limits' | 'codes' | 'sender' | 'logger'>,
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
  deps: Pick<AccountDeps, 'audit' | 'logger'>,
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
