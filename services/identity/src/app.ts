import { identityV1 } from '@balai/contracts';
import { type Logger, type RunningService, startService } from '@balai/platform';
import { type AccountsOptions, startAccounts } from './accounts.js';
import type { IdentityConfig } from './config.js';
import { identityGrpcHandlers } from './grpc-handlers.js';
import type { AccountDirectory } from './oidc/account-directory.js';
import { type OidcService, startOidc } from './oidc/oidc-service.js';
import { honourTrustedProxiesOnly, TrustedProxies } from './trusted-proxies.js';
import { userAccountDirectory } from './user-account-directory.js';

export interface IdentityOptions extends AccountsOptions {
  logger?: Logger;
  /** The accounts the OIDC login page authenticates; by default identity's users. */
  accountDirectory?: AccountDirectory;
}

export interface RunningIdentity extends RunningService {
  /** Registers OAuth clients at runtime (tests, partner onboarding). */
  oidc: Pick<OidcService, 'registerClient' | 'maintain'>;
}

/** Starts identity: tenants, agencies, users (with their outbox relay), the gRPC API and the OIDC provider. */
export async function startIdentity(config: IdentityConfig, options: IdentityOptions = {}): Promise<RunningIdentity> {
  let oidc: OidcService | undefined;
  const running = await startService('identity', config, options.logger, async (runtime) => {
    const accounts = await startAccounts(runtime, config, options);
    const proxies = TrustedProxies.parse(config.TRUSTED_PROXIES);
    const service = await startOidc(runtime, config, {
      accounts: options.accountDirectory ?? userAccountDirectory(accounts.users),
      tenants: accounts.tenants,
      hasher: accounts.hasher,
      proxies,
      clock: options.clock,
    });
    oidc = service;
    return {
      grpc: (grpc) =>
        grpc.add(
          identityV1.IdentityServiceService,
          identityGrpcHandlers(runtime.logger, accounts.deps, { ...accounts.deps, partnerApps: service.partnerApps }),
        ),
      http: (app) => {
        // First, on the root: no route and not the provider sees an untrusted peer's X-Forwarded-*.
        honourTrustedProxiesOnly(app, proxies);
        service.registerRoutes(app);
      },
    };
  });
  if (!oidc) throw new Error('identity started without its OIDC provider');
  return { ...running, oidc };
}
