import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@balai/platform';
import type Provider from 'oidc-provider';
import type { KeyRing, ProviderKeys } from '../../use-cases/oidc/key-ring.js';

export interface CurrentProvider {
  provider: Provider;
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  cookieKeys: string[];
}

/**
 * Holds the provider built from the current keys. oidc-provider takes its keys at
 * construction, so a rotation means a new instance; it shares the adapter (MongoDB), so
 * sessions, grants and tokens carry over. Requests in flight finish on the instance they began on.
 */
export class OidcProviders {
  private active: CurrentProvider;
  private fingerprint: string;

  private constructor(
    private readonly keyRing: KeyRing,
    private readonly build: (keys: ProviderKeys) => Provider,
    private readonly logger: Logger,
    keys: ProviderKeys,
  ) {
    this.active = OidcProviders.wrap(build(keys), keys);
    this.fingerprint = keys.fingerprint;
  }

  static async start(
    keyRing: KeyRing,
    build: (keys: ProviderKeys) => Provider,
    logger: Logger,
  ): Promise<OidcProviders> {
    return new OidcProviders(keyRing, build, logger, await keyRing.maintain());
  }

  private static wrap(provider: Provider, keys: ProviderKeys): CurrentProvider {
    return { provider, handle: provider.callback(), cookieKeys: keys.cookieKeys };
  }

  current(): CurrentProvider {
    return this.active;
  }

  /** Rotates keys as due and rebuilds the provider when the key selection changed; true when it did. */
  async refresh(): Promise<boolean> {
    const keys = await this.keyRing.maintain();
    if (keys.fingerprint === this.fingerprint) return false;
    this.active = OidcProviders.wrap(this.build(keys), keys);
    this.fingerprint = keys.fingerprint;
    this.logger.info(
      { signingKid: keys.jwks.keys[0]?.kid, published: keys.jwks.keys.length },
      'OIDC keys changed: provider rebuilt',
    );
    return true;
  }
}
