import { identityV1 } from '@balai/contracts';
import { AppError, type CallContext, createGrpcClient, type UpstreamClient, upstreamClient } from '@balai/platform';
import { LRUCache } from 'lru-cache';

/** A staff member as complaints needs to know one: no name, no contacts. */
export interface DirectoryUser {
  id: string;
  active: boolean;
  roles: string[];
  /** '' when the user belongs to no agency. */
  agencyId: string;
  /** Whom they report to; '' at the top of the chain. */
  supervisorId: string;
}

/**
 * What complaints asks identity about a tenant's organisation: its agencies, its staff and the
 * reports-to chain, and the tenant's complaint settings. Identity owns all of it; this is the one
 * way complaints reads it, so use cases and the SLA scheduler mock it in unit tests.
 */
export interface OrganisationDirectory {
  /** The user of the tenant, or null when the tenant has no such user. */
  findUser(tenantId: string, userId: string): Promise<DirectoryUser | null>;
  /** Ids of the tenant's agencies. */
  agencyIds(tenantId: string): Promise<string[]>;
  /** The active officers and supervisors of an agency of the tenant. */
  agencyOfficers(tenantId: string, agencyId: string): Promise<DirectoryUser[]>;
  /** Days after resolution or rejection within which the reporter may reopen (tenant → province → platform). */
  reopenWindowDays(tenantId: string): Promise<number>;
}

/** How long an answer of identity is reused; a change in identity shows here within this time. */
export const directoryCacheTtlMs = 30_000;

/**
 * The caller complaints acts as towards identity: a system subject of the complaint's tenant.
 * `analyst` is the least-privileged staff role identity lets read users and officers; it can
 * change nothing there.
 */
function systemCaller(tenantId: string): CallContext {
  return { tenantId, requestId: '', subject: 'system:complaints', roles: ['analyst'] };
}

function toDirectoryUser(user: identityV1.User): DirectoryUser {
  return {
    id: user.id,
    active: user.status === 'active',
    roles: [...user.roles],
    agencyId: user.agencyId,
    supervisorId: user.supervisorId,
  };
}

/**
 * OrganisationDirectory over identity's gRPC API, with a short cache (directoryCacheTtlMs) so an
 * SLA sweep or a burst of assignments does not ask identity the same thing again and again.
 * Concurrent misses for one key share one call. Failures are not cached.
 */
export class IdentityOrganisationDirectory implements OrganisationDirectory {
  private readonly client: identityV1.IdentityServiceClient;
  private readonly identity: UpstreamClient<identityV1.IdentityServiceClient>;
  private readonly users: LRUCache<string, { user: DirectoryUser | null }>;
  private readonly agencies: LRUCache<string, { ids: string[] }>;
  private readonly officers: LRUCache<string, { users: DirectoryUser[] }>;
  private readonly settings: LRUCache<string, { reopenWindowDays: number }>;

  constructor(target: string, deadlineMs = 5_000) {
    this.client = createGrpcClient(identityV1.IdentityServiceClient, target);
    this.identity = upstreamClient(this.client, { deadlineMs });
    const options = { max: 5_000, ttl: directoryCacheTtlMs };
    this.users = new LRUCache({
      ...options,
      fetchMethod: async (key) => {
        const [tenantId, userId] = splitKey(key);
        try {
          const { user } = await this.identity.getUser({ userId }, systemCaller(tenantId));
          return { user: user && user.tenantId === tenantId ? toDirectoryUser(user) : null };
        } catch (error) {
          if (error instanceof AppError && error.code === 'USER_NOT_FOUND') return { user: null };
          throw error;
        }
      },
    });
    this.agencies = new LRUCache({
      ...options,
      fetchMethod: async (tenantId) => {
        const { agencies } = await this.identity.listAgencies({}, systemCaller(tenantId));
        return { ids: agencies.map((agency) => agency.id) };
      },
    });
    this.officers = new LRUCache({
      ...options,
      fetchMethod: async (key) => {
        const [tenantId, agencyId] = splitKey(key);
        // Page size 0: every officer of the agency at once (escalation picks among all of them).
        const { users } = await this.identity.listAgencyOfficers(
          { agencyId, pageSize: 0, pageToken: '' },
          systemCaller(tenantId),
        );
        return { users: users.map(toDirectoryUser) };
      },
    });
    this.settings = new LRUCache({
      ...options,
      fetchMethod: async (tenantId) => {
        const { settings } = await this.identity.getTenantSettings({ tenantId }, systemCaller(tenantId));
        if (!settings) throw new AppError('INTERNAL', 'identity answered without tenant settings');
        return { reopenWindowDays: settings.complaintReopenWindowDays };
      },
    });
  }

  async findUser(tenantId: string, userId: string): Promise<DirectoryUser | null> {
    return (await fetched(this.users, `${tenantId}|${userId}`)).user;
  }

  async agencyIds(tenantId: string): Promise<string[]> {
    return (await fetched(this.agencies, tenantId)).ids;
  }

  async agencyOfficers(tenantId: string, agencyId: string): Promise<DirectoryUser[]> {
    return (await fetched(this.officers, `${tenantId}|${agencyId}`)).users;
  }

  async reopenWindowDays(tenantId: string): Promise<number> {
    return (await fetched(this.settings, tenantId)).reopenWindowDays;
  }

  close(): void {
    this.client.close();
  }
}

function splitKey(key: string): [string, string] {
  const at = key.indexOf('|');
  return [key.slice(0, at), key.slice(at + 1)];
}

async function fetched<V extends object>(cache: LRUCache<string, V>, key: string): Promise<V> {
  const value = await cache.fetch(key);
  if (value === undefined) throw new AppError('UPSTREAM_UNAVAILABLE', 'identity gave no answer');
  return value;
}
