import { signInWithPassword } from '@balai/testkit/oidc-sign-in';
import type { Actor } from './complaint-lifecycle.js';

/**
 * The demo accounts `./balai up` seeds in Kota Serang (services/identity/src/data/users/demo-accounts.ts):
 * the citizen files and rates, the supervisor of Dinas PUPR assigns to the officer reporting to
 * them, the officer resolves and reads the agency's inbox, the analyst reads the summary.
 */
export const demoLogins = {
  citizen: 'warga@serang.example',
  supervisor: 'supervisor.pupr@serang.example',
  officer: 'petugas.pupr@serang.example',
  analyst: 'analis@serang.example',
} as const satisfies Record<Actor | 'analyst', string>;

export type DemoRole = keyof typeof demoLogins;

/** The demo officer's user id: the assignee of every lifecycle. */
export const demoOfficerId = 'demo-36.73-petugas';

/**
 * Access tokens live ACCESS_TOKEN_TTL_SECONDS (300 s by default): a token is renewed by signing
 * in again this long before it expires, so no call of a long run goes out with a stale one.
 */
const renewBeforeMs = 60_000;

interface Held {
  token: string;
  expiresAt: number;
  renewing: Promise<void> | null;
}

/**
 * Signed-in demo accounts, as the CLI's `./balai token` signs them in (tools/cli/src/demo-accounts.ts):
 * authorization code + PKCE on the hosted login page, as the demo web client. Every worker
 * shares the four sessions, as many devices of one user would.
 */
export class DemoSessions {
  readonly #held = new Map<DemoRole, Held>();

  constructor(private readonly options: { gatewayUrl: string; tenant: string; password: string }) {}

  async signInAll(): Promise<void> {
    await Promise.all(Object.keys(demoLogins).map((role) => this.#signIn(role as DemoRole)));
  }

  /** The current token; renews it in the background when it is about to expire. */
  token(role: DemoRole): string {
    const held = this.#held.get(role);
    if (!held) throw new Error(`${role} is not signed in`);
    if (!held.renewing && held.expiresAt - Date.now() < renewBeforeMs) {
      held.renewing = this.#signIn(role).catch((error: unknown) => {
        held.renewing = null;
        console.error(`renewing the ${role}'s token failed: ${error instanceof Error ? error.message : error}`);
      });
    }
    return held.token;
  }

  async #signIn(role: DemoRole): Promise<void> {
    const { gatewayUrl, tenant, password } = this.options;
    const { tokens } = await signInWithPassword({
      issuer: `${gatewayUrl}/oidc`,
      clientId: 'balai-web',
      redirectUri: 'http://127.0.0.1:5173/callback',
      tenant,
      login: demoLogins[role],
      password,
      resource: 'urn:balai:api',
    });
    const lifetimeMs = (tokens.expires_in ?? 300) * 1_000;
    this.#held.set(role, { token: tokens.access_token, expiresAt: Date.now() + lifetimeMs, renewing: null });
  }
}
