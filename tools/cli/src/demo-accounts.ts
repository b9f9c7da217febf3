import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './processes.ts';
import { settings } from './settings.ts';

/** A few of the accounts identity seeds for the demo (services/identity/src/data/users/demo-accounts.ts). */
export const demoAccounts = [
  'warga@serang.example (citizen)',
  'petugas.pupr@serang.example (officer, reports to the supervisor)',
  'supervisor.pupr@serang.example (supervisor)',
  'analis@serang.example (analyst)',
  'admin@serang.example (tenant admin)',
  'admin@tangerang.example (tenant admin, 36.71)',
];

export function demoPasswordFile(): string {
  return join(settings.data, 'demo-password');
}

/** The demo accounts' password: generated once per checkout, kept in .data/ (not in git). */
export function demoPassword(): string {
  const file = demoPasswordFile();
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(settings.data, { recursive: true });
  const password = randomBytes(12).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * Signs a demo account in on the hosted login page (authorization code + PKCE, as the web
 * client) and returns its API access token.
 */
export async function demoAccessToken(login: string, tenant: string): Promise<string> {
  const gateway = `http://127.0.0.1:${settings.ports.gateway}`;
  try {
    // Loaded when needed: the test kit's build output exists only after `./balai up` built it.
    const { signInWithPassword } = await import('@balai/testkit/oidc-sign-in');
    const { tokens } = await signInWithPassword({
      issuer: `${gateway}/oidc`,
      clientId: 'balai-web',
      redirectUri: 'http://127.0.0.1:5173/callback',
      tenant,
      login,
      password: demoPassword(),
      resource: 'urn:balai:api',
    });
    return tokens.access_token;
  } catch (error) {
    throw new CliError(
      `signing ${login} in at ${gateway}/oidc failed (is \`./balai up\` running?): ${error instanceof Error ? error.message : error}`,
    );
  }
}
