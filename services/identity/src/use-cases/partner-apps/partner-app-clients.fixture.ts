import { vi } from 'vitest';
import type { PartnerApp } from '../../data/oidc/oauth-client-repository.js';
import type { PartnerAppClients } from './partner-apps.js';

/**
 * The partner apps of a unit test, in memory, kept by the OAuth client store's rules: apps are
 * listed and revoked within their tenant only (another tenant's is not found), oldest first,
 * and revoking twice revokes once. New apps are numbered `balai-partner1`, `balai-partner2`…,
 * and each is handed `secret` as its client secret. Every method is a spy.
 */
export function memoryPartnerApps(options: { clock: () => Date; secret: string }) {
  const apps = new Map<string, PartnerApp>();
  const inTenant = (tenantId: string, clientId: string) => {
    const app = apps.get(clientId);
    return app && app.tenantId === tenantId ? app : undefined;
  };

  return {
    register: vi.fn<PartnerAppClients['register']>(async (partner) => {
      const app: PartnerApp = {
        clientId: `balai-partner${apps.size + 1}`,
        ...partner,
        createdAt: options.clock(),
        revokedAt: null,
        revokedBy: null,
      };
      apps.set(app.clientId, app);
      return { app: { ...app }, clientSecret: options.secret };
    }),
    list: vi.fn<PartnerAppClients['list']>(async (tenantId) =>
      [...apps.values()].filter((app) => app.tenantId === tenantId).map((app) => ({ ...app })),
    ),
    revoke: vi.fn<PartnerAppClients['revoke']>(async (tenantId, clientId, revokedBy) => {
      const app = inTenant(tenantId, clientId);
      if (!app) return null;
      const revokedNow = app.revokedAt === null;
      if (revokedNow) Object.assign(app, { revokedAt: options.clock(), revokedBy });
      return { app: { ...app }, revokedNow };
    }),

    /** Stores apps as they are: the world a test starts from. */
    add(...seeded: PartnerApp[]): void {
      for (const app of seeded) apps.set(app.clientId, { ...app });
    },
  };
}
