import { createHash, timingSafeEqual } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';
import type { OAuthClientDocument, OAuthClientModel } from './oidc.schema.js';

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

/** The only code that touches `oauth_clients`. */
export class OAuthClientRepository {
  constructor(
    private readonly model: OAuthClientModel,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The client's metadata as oidc-provider reads it, `client_secret` holding the hash. */
  async findMetadata(clientId: string): Promise<ClientMetadata | undefined> {
    const document = await this.model.findById(String(clientId)).lean<OAuthClientDocument>().exec();
    return document ? (JSON.parse(document.metadata) as ClientMetadata) : undefined;
  }

  /** Inserts a new client; false when the client_id is taken. */
  async insert(metadata: ClientMetadata): Promise<boolean> {
    try {
      await this.model.create({
        _id: metadata.client_id,
        metadata: JSON.stringify(metadata),
        createdAt: this.clock(),
      });
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === 11000) return false;
      throw error;
    }
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
