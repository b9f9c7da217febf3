import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { Logger } from '@balai/platform';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { SigningKeyDocument, SigningKeyUse } from '../../data/oidc/oidc.schema.js';
import type { SigningKeyRepository } from '../../data/oidc/signing-key-repository.js';
import { type KeyTimeline, planKeys, type RotationPolicy, selectKeys } from '../../domain/oidc/key-rotation.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** What the provider is built with; `fingerprint` changes exactly when it must be rebuilt. */
export interface ProviderKeys {
  /** Private JWKs: the signing key first and unrestricted, the others `key_ops: ['verify']`. */
  jwks: { keys: JWK[] };
  /** Cookie signing secrets, the signing one first (oidc-provider signs with the first, verifies with all). */
  cookieKeys: string[];
  fingerprint: string;
}

async function newJwsKey(): Promise<{ kid: string; privateJwk: Record<string, string> }> {
  const { privateKey } = await generateKeyPairAsync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as Record<string, string>;
  const kid = await calculateJwkThumbprint({ kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y });
  return { kid, privateJwk: { ...jwk, kid, alg: 'ES256', use: 'sig' } };
}

function newCookieKey(): { kid: string; privateJwk: Record<string, string> } {
  return { kid: randomBytes(9).toString('base64url'), privateJwk: { k: randomBytes(32).toString('base64url') } };
}

const asTimeline = (key: SigningKeyDocument): KeyTimeline & SigningKeyDocument => ({ ...key, id: key._id });

/**
 * Keeps the token-signing keys (ES256) and the cookie keys in `signing_keys`, rotating them by
 * the policy, and tells which to build the provider with. Run at start and by the maintenance
 * timer on every instance; the unique `<use>:<generation>` ids settle races between instances.
 */
export class KeyRing {
  constructor(
    private readonly repository: Pick<SigningKeyRepository, 'list' | 'insert' | 'setRetirement' | 'delete'>,
    private readonly policies: Record<SigningKeyUse, RotationPolicy>,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async maintain(): Promise<ProviderKeys> {
    const jws = await this.maintainUse('jws');
    const cookie = await this.maintainUse('cookie');
    const jwks = {
      keys: [
        jws.signing.privateJwk as JWK,
        ...jws.verifyOnly.map((key) => ({ ...key.privateJwk, key_ops: ['verify'] }) as JWK),
      ],
    };
    const cookieKeys = [cookie.signing, ...cookie.verifyOnly].map((key) => String(key.privateJwk.k));
    const fingerprint = JSON.stringify([
      jws.signing.kid,
      jws.verifyOnly.map((key) => key.kid),
      cookie.signing.kid,
      cookie.verifyOnly.map((key) => key.kid),
    ]);
    return { jwks, cookieKeys, fingerprint };
  }

  private async maintainUse(use: SigningKeyUse) {
    const now = this.clock();
    const plan = planKeys((await this.repository.list(use)).map(asTimeline), now, this.policies[use]);
    if (plan.create) {
      const material = use === 'jws' ? await newJwsKey() : newCookieKey();
      const created = await this.repository.insert({
        _id: `${use}:${plan.create.generation}`,
        use,
        generation: plan.create.generation,
        ...material,
        createdAt: now,
        activatesAt: plan.create.activatesAt,
      });
      if (created) {
        this.logger.info(
          {
            use,
            kid: use === 'jws' ? material.kid : undefined,
            generation: plan.create.generation,
            activatesAt: plan.create.activatesAt,
          },
          'signing key created',
        );
      }
    }
    for (const { id, retiresAt } of plan.retire) await this.repository.setRetirement(id, retiresAt);
    for (const id of plan.purge) await this.repository.delete(id);
    const selection = selectKeys((await this.repository.list(use)).map(asTimeline), this.clock());
    if (!selection) throw new Error(`no ${use} key after key maintenance`);
    return selection;
  }
}
