import { tenantIdPattern } from '@balai/platform';
import type { Open311Error, Open311Result } from './open311-model.js';

/**
 * jurisdiction_id ↔ tenant. GeoReport v2 lets an endpoint serving several jurisdictions require
 * the parameter; the gateway serves every tenant, so it accepts both a configured host name
 * (`serangkota.go.id`, the form the specification's examples use) and the tenant's region code
 * itself (`36.73`). Without one it falls back to a tenant the caller named otherwise (its token,
 * or the host the request came to), else answers 400; an unknown one is 404, as the specification
 * says ("jurisdiction_id provided was not found").
 */
export interface JurisdictionConfig {
  /** Host-name style jurisdiction ids and their tenants, e.g. { 'serangkota.go.id': '36.73' }. */
  jurisdictions: Record<string, string>;
  /**
   * Tenants that exist, when known at the gateway; a well-formed region code outside the set is
   * then refused here, else the service's UNKNOWN_TENANT (also 404) refuses it.
   */
  knownTenantIds?: ReadonlySet<string>;
}

export interface Jurisdiction {
  tenantId: string;
  /** The id to publish for the tenant: its host name when configured, else its region code. */
  jurisdictionId: string;
}

export interface JurisdictionResolver {
  /** Reads the request's jurisdiction_id; `fallbackTenantId` applies when none was sent. */
  resolve(jurisdictionId: string | undefined, fallbackTenantId?: string): Open311Result<Jurisdiction>;
  /** The jurisdiction_id that names a tenant (for discovery and links). */
  jurisdictionIdFor(tenantId: string): string;
}

const hostName = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

function normalise(jurisdictionId: string): string {
  return jurisdictionId.trim().toLowerCase().replace(/\.$/, '');
}

/** Throws on a malformed map: it is configuration, checked when the gateway starts. */
export function createJurisdictionResolver(config: JurisdictionConfig): JurisdictionResolver {
  const byId = new Map<string, string>();
  const byTenant = new Map<string, string>();
  for (const [id, tenantId] of Object.entries(config.jurisdictions)) {
    const key = normalise(id);
    if (!hostName.test(key) || tenantIdPattern.test(key)) {
      throw new Error(`jurisdiction id "${id}" is not a host name`);
    }
    if (!tenantIdPattern.test(tenantId))
      throw new Error(`jurisdiction "${id}" maps to "${tenantId}", not a region code`);
    if (byId.has(key)) throw new Error(`jurisdiction id "${id}" is configured twice`);
    byId.set(key, tenantId);
    // The first host name configured for a tenant is the one published.
    if (!byTenant.has(tenantId)) byTenant.set(tenantId, key);
  }

  const known = (tenantId: string) => config.knownTenantIds === undefined || config.knownTenantIds.has(tenantId);
  const found = (tenantId: string): Open311Result<Jurisdiction> => ({
    ok: true,
    value: { tenantId, jurisdictionId: byTenant.get(tenantId) ?? tenantId },
  });
  const error = (code: number, description: string): Open311Result<Jurisdiction> => ({
    ok: false,
    errors: [{ code, description } satisfies Open311Error],
  });

  return {
    resolve(jurisdictionId, fallbackTenantId) {
      const given = jurisdictionId?.trim() ?? '';
      if (given === '') {
        if (fallbackTenantId !== undefined && tenantIdPattern.test(fallbackTenantId) && known(fallbackTenantId)) {
          return found(fallbackTenantId);
        }
        return error(400, 'jurisdiction_id is required');
      }
      if (given.length > 253) return error(400, 'jurisdiction_id is too long');
      if (tenantIdPattern.test(given)) {
        return known(given) ? found(given) : error(404, 'jurisdiction_id provided was not found');
      }
      const tenantId = byId.get(normalise(given));
      if (tenantId === undefined || !known(tenantId)) return error(404, 'jurisdiction_id provided was not found');
      return found(tenantId);
    },
    jurisdictionIdFor(tenantId) {
      return byTenant.get(tenantId) ?? tenantId;
    },
  };
}
