import { createHash, timingSafeEqual } from 'node:crypto';
import { isDuplicateKey } from '@balai/platform';
import type { ClientMetadata } from 'oidc-provider';
import type { OAuthClientDocument, OAuthClientModel, PartnerAppFields } from './oidc.schema.js';

const secretHashPrefix = 'sha256$';

/**
 * Client secrets are stored as SHA-256 hashes. They are 256-bit random values we generate, so
 * a fast hash is enough (nothing to brute-force), and a database dump does not hand out
 * working secrets. oidc-provider compares `client_secret` itself, so the provider's
 * `compareClientSecret` is replaced by `clientSecretMatches` (see provider-configuration.ts),
 * and HMAC uses of the secret (client_secret_jwt, HS* tokens) are disabled.
 */
export function hashClientSecret(secret: string): string {
  return `${secretHashPrefix}${createHash('sha256').update(secret, 'utf8').digest('base64url')}`;
}

export function clientSecretMatches(storedHash: string | undefined, presented: string): boolean {
  if (typeof storedHash !== 'string' || !storedHash.startsWith(secretHashPrefix)) return false;
  const expected = Buffer.from(storedHash);
  const actual = Buffer.from(hashClientSecret(presented));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A partner app (Open311) as its tenant's admins see it: no secret, not even its hash. */
export interface PartnerApp {
  clientId: string;
  tenantId: string;
  name: string;
  contactEmail: string | null;
  createdAt: Date;
  createdBy: string;
  revokedAt: Date | null;
  revokedBy: string | null;
}

/** More partner apps than one tenant would ever register; a list never grows without bound. */
export const maxPartnerAppsListed = 1000;

function toPartnerApp(document: OAuthClientDocument): PartnerApp {
  const partner = document.partner as PartnerAppFields;
  return {
    clientId: document._id,
    tenantId: String(document.tenantId),
    name: partner.name,
    contactEmail: partner.contactEmail ?? null,
    createdAt: document.createdAt,
    createdBy: partner.createdBy,
    revokedAt: document.revokedAt ?? null,
    revokedBy: document.revokedBy ?? null,
  };
}

/** Partner apps only; never a tenant's other machine clients or the first-party web client. */
const isPartnerApp = { partner: { $exists: true } };

/** More browser clients than a platform registers; a list never grows without bound. */
export const maxWebClientsListed = 1000;

/** The only code that touches `oauth_clients`. */
export class OAuthClientRepository {
  constructor(
    private readonly model: OAuthClientModel,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The client's metadata as oidc-provider reads it, `client_secret` holding the hash. */
  async findMetadata(clientId: string): Promise<ClientMetadata | undefined> {
    const document = await this.model.findById(String(clientId)).lean<OAuthClientDocument>().exec();
    // A revoked client does not exist for the provider: authentication fails with invalid_client.
    if (!document || document.revokedAt) return undefined;
    return JSON.parse(document.metadata) as ClientMetadata;
  }

  /** Inserts a new client (a partner app with who it is); false when the client_id is taken. */
  async insert(metadata: ClientMetadata, more: Partial<Pick<OAuthClientDocument, 'tenantId' | 'partner'>> = {}) {
    try {
      await this.model.create({
        _id: String(metadata.client_id),
        metadata: JSON.stringify(metadata),
        createdAt: this.clock(),
        ...more,
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Inserts a partner app's machine client with who it is; null when the client_id is taken. */
  async insertPartnerApp(metadata: ClientMetadata, partner: PartnerAppFields): Promise<PartnerApp | null> {
    const tenantId = metadata.tenant_id;
    if (typeof tenantId !== 'string') throw new Error('a partner app belongs to a tenant');
    const fields = { name: partner.name, contactEmail: partner.contactEmail, createdBy: partner.createdBy };
    if (!(await this.insert(metadata, { tenantId, partner: fields }))) return null;
    return this.findPartnerApp(tenantId, String(metadata.client_id));
  }

  /** The tenant's partner apps, revoked ones included, oldest first. */
  async listPartnerApps(tenantId: string): Promise<PartnerApp[]> {
    const documents = await this.model
      .find({ tenantId: String(tenantId), ...isPartnerApp })
      .sort({ createdAt: 1, _id: 1 })
      .limit(maxPartnerAppsListed)
      .lean<OAuthClientDocument[]>()
      .exec();
    return documents.map(toPartnerApp);
  }

  /** One partner app of the tenant; null for another tenant's or a client that is not a partner app. */
  async findPartnerApp(tenantId: string, clientId: string): Promise<PartnerApp | null> {
    const document = await this.model
      .findOne({ _id: String(clientId), tenantId: String(tenantId), ...isPartnerApp })
      .lean<OAuthClientDocument>()
      .exec();
    return document ? toPartnerApp(document) : null;
  }

  /**
   * Revokes a partner app of the tenant unless it already is; null when there is no such app.
   * `revokedNow` tells whether this call revoked it (so one audit entry per revocation).
   */
  async revokePartnerApp(
    tenantId: string,
    clientId: string,
    revokedBy: string,
  ): Promise<{ app: PartnerApp; revokedNow: boolean } | null> {
    const result = await this.model
      .updateOne(
        { _id: String(clientId), tenantId: String(tenantId), ...isPartnerApp, revokedAt: { $exists: false } },
        { $set: { revokedAt: this.clock(), revokedBy: String(revokedBy) } },
      )
      .exec();
    const app = await this.findPartnerApp(tenantId, clientId);
    return app ? { app, revokedNow: result.modifiedCount === 1 } : null;
  }

  /**
   * The redirect URIs of each registered browser client (a public `web` client: no secret, not
   * a native app), revoked ones left out. Every client is read: there are few, and their
   * metadata is one JSON string, which no query can look into.
   */
  async webClientRedirectUris(): Promise<string[][]> {
    const documents = await this.model
      .find({ partner: { $exists: false }, revokedAt: { $exists: false } })
      .select({ metadata: 1 })
      .sort({ _id: 1 })
      .limit(maxWebClientsListed)
      .lean<Pick<OAuthClientDocument, 'metadata'>[]>()
      .exec();
    return documents.flatMap((document) => {
      const metadata = JSON.parse(document.metadata) as ClientMetadata;
      const isWebClient =
        metadata.token_endpoint_auth_method === 'none' && (metadata.application_type ?? 'web') === 'web';
      if (!isWebClient || !Array.isArray(metadata.redirect_uris)) return [];
      return [metadata.redirect_uris.filter((uri): uri is string => typeof uri === 'string')];
    });
  }

  /** Creates or replaces a client (the demo seed). */
  async upsert(metadata: ClientMetadata): Promise<void> {
    await this.model
      .updateOne(
        { _id: String(metadata.client_id) },
        { $set: { metadata: JSON.stringify(metadata) }, $setOnInsert: { createdAt: this.clock() } },
        { upsert: true },
      )
      .exec();
  }
}
