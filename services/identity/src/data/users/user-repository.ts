import { isDuplicateKey, type OutboxEntry, outboxMarkFor } from '@balai/platform';
import { type LoginIdentifier, loginNameKey, loginsOf, parseLogin } from '../../domain/users/login-identifier.js';
import type { LoginNameDocument, LoginNameModel, UserDocument, UserModel } from './user.schema.js';

/** A user as the domain sees it: the document without its pending events. */
export type User = Omit<UserDocument, 'outbox' | 'outboxPending'>;

/** A login identifier a new user asked for that another user already holds. */
export interface LoginConflict {
  login: LoginIdentifier;
  userId: string;
}

export type InsertUserResult = { inserted: true } | { inserted: false; conflicts: LoginConflict[] };

/** Fields a command may change; the repository adds the version and updatedAt. */
export type UserChanges = Partial<
  Pick<User, 'emailVerified' | 'phoneVerified' | 'status' | 'roles' | 'agencyId' | 'supervisorId' | 'passwordHash'>
>;

export type UpdateUserResult =
  | { outcome: 'updated'; user: User }
  | { outcome: 'not_found' }
  | { outcome: 'stale'; currentVersion: number };

const userProjection = { outbox: 0, outboxPending: 0, outboxLeaseOwner: 0, outboxLeaseUntil: 0 } as const;

/** Most users one findManyByIds reads; callers page beyond it. */
export const maxUsersPerRead = 100;

/** The order staff lists come in: by name as Indonesians sort it, then id (so pages are stable). */
export function compareStaffOrder(a: Pick<User, 'fullName' | '_id'>, b: Pick<User, 'fullName' | '_id'>): number {
  return a.fullName.localeCompare(b.fullName, 'id') || a._id.localeCompare(b._id);
}

/**
 * The only code that touches the users and login_names collections. Every read and write takes
 * the tenant; a user of another tenant is "not found". The one exception, findByIdAnyTenant,
 * serves the OIDC provider alone.
 */
export class UserRepository {
  constructor(
    private readonly users: UserModel,
    private readonly loginNames: LoginNameModel,
    private readonly options: { clock: () => Date; orphanGraceMs?: number } = { clock: () => new Date() },
  ) {}

  /**
   * Reserves the user's login names, then inserts the user with its first events in one
   * document. Reserving first means a crash in between leaves login names pointing at no user,
   * never a user whose identifiers someone else can take; such orphans are reclaimed (see
   * `reserve`). On a conflict nothing stays reserved.
   */
  async insert(user: User, outbox: OutboxEntry[]): Promise<InsertUserResult> {
    const reserved: string[] = [];
    const conflicts: LoginConflict[] = [];
    for (const login of loginsOf(user)) {
      const key = loginNameKey(user.tenantId, login);
      const holder = await this.reserve(key, user._id);
      if (holder === null) reserved.push(key);
      else conflicts.push({ login, userId: holder });
    }
    if (conflicts.length === 0) {
      try {
        await this.users.create({ ...user, outbox, ...outboxMarkFor(outbox) });
        return { inserted: true };
      } catch (error) {
        await this.release(reserved, user._id);
        throw error;
      }
    }
    await this.release(reserved, user._id);
    return { inserted: false, conflicts };
  }

  /**
   * Takes a login name for a user: null when taken now, else the id of the user holding it.
   * A name whose user does not exist is an orphan of a crashed registration; once older than
   * the grace period (a registration in flight writes its user within it) it is taken over
   * with a compare-and-set on the old holder, so two reclaimers cannot both win.
   */
  private async reserve(key: string, userId: string): Promise<string | null> {
    const now = this.options.clock();
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        await this.loginNames.create({ _id: key, userId, createdAt: now });
        return null;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const existing = await this.loginNames.findById(key).lean<LoginNameDocument>().exec();
      if (!existing) continue; // released meanwhile: try the insert again
      const holderExists = (await this.users.exists({ _id: String(existing.userId) }).exec()) !== null;
      const grace = this.options.orphanGraceMs ?? 60_000;
      if (holderExists || now.getTime() - new Date(existing.createdAt).getTime() < grace) return existing.userId;
      const taken = await this.loginNames
        .updateOne({ _id: key, userId: existing.userId }, { $set: { userId, createdAt: now } })
        .exec();
      if (taken.modifiedCount === 1) return null;
    }
    const holder = await this.loginNames.findById(key).lean<LoginNameDocument>().exec();
    return holder?.userId ?? userId;
  }

  private async release(keys: string[], userId: string): Promise<void> {
    for (const key of keys) await this.loginNames.deleteOne({ _id: key, userId: String(userId) }).exec();
  }

  /**
   * The user holding a login in the tenant. `login` is what a person types: an e-mail address
   * (any case), a mobile number in any Indonesian form, or a NIK; normalised as at registration.
   */
  async findByLogin(tenantId: string, login: string): Promise<User | null> {
    const identifier = parseLogin(login);
    if (!identifier) return null;
    const name = await this.loginNames.findById(loginNameKey(tenantId, identifier)).lean<LoginNameDocument>().exec();
    return name ? this.findById(tenantId, name.userId) : null;
  }

  async findById(tenantId: string, id: string): Promise<User | null> {
    // By exact _id (the only filter FerretDB serves from an index), then the tenant check.
    const user = await this.users.findById(String(id), userProjection).lean<User>().exec();
    return user && user.tenantId === String(tenantId) ? user : null;
  }

  /**
   * A user by id whatever the tenant. Only for the OIDC provider: it looks an account up by the
   * token subject alone (oidc-provider's findAccount has no tenant), and the tenant then comes
   * from the user document itself. User ids are random UUIDs, unique across tenants. Request
   * handling never uses it: there the tenant comes from the caller's context.
   */
  async findByIdAnyTenant(id: string): Promise<User | null> {
    return this.users.findById(String(id), userProjection).lean<User>().exec();
  }

  /** The tenant's users among the ids (at most maxUsersPerRead), in the order asked; unknown ids left out. */
  async findManyByIds(tenantId: string, ids: readonly string[]): Promise<User[]> {
    const unique = [...new Set(ids.map(String))].slice(0, maxUsersPerRead);
    // One exact-_id read each: FerretDB scans the collection for an $in.
    const users = await Promise.all(unique.map((id) => this.findById(tenantId, id)));
    return users.filter((user): user is User => user !== null);
  }

  /** Staff of the tenant, optionally of one agency, by name. */
  async listStaff(tenantId: string, agencyId?: string): Promise<User[]> {
    const filter: Record<string, string> = { tenantId: String(tenantId), kind: 'staff' };
    if (agencyId !== undefined) filter.agencyId = String(agencyId);
    const users = await this.users.find(filter, userProjection).lean<User[]>().exec();
    return users.sort(compareStaffOrder);
  }

  /**
   * Re-hashes a password at login when the hasher's parameters were raised. Not a change of the
   * account's state, so the version stays: an admin's concurrent edit must not go stale for it.
   */
  async updatePasswordHash(tenantId: string, id: string, hash: string): Promise<void> {
    await this.users
      .updateOne({ _id: String(id), tenantId: String(tenantId) }, { $set: { passwordHash: String(hash) } })
      .exec();
  }

  /**
   * Applies a command's changes at the expected version and appends its events to the outbox,
   * in one single-document write: the state and its events commit together or not at all.
   */
  async update(
    tenantId: string,
    id: string,
    expectedVersion: number,
    changes: UserChanges,
    events: OutboxEntry[],
  ): Promise<UpdateUserResult> {
    const now = this.options.clock();
    const result = await this.users
      .updateOne(
        { _id: String(id), tenantId: String(tenantId), version: Number(expectedVersion) },
        {
          $set: { ...changes, updatedAt: now, ...outboxMarkFor(events) },
          $inc: { version: 1 },
          ...(events.length > 0 ? { $push: { outbox: { $each: events } } } : {}),
        },
      )
      .exec();
    const current = await this.findById(tenantId, id);
    if (!current) return { outcome: 'not_found' };
    if (result.modifiedCount !== 1) return { outcome: 'stale', currentVersion: current.version };
    return { outcome: 'updated', user: current };
  }
}
