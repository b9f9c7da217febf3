import pc from 'picocolors';
import { demoAccessToken } from './demo-accounts.ts';
import { CliError } from './processes.ts';
import { settings } from './settings.ts';

/** The demo tenant admin of each demo tenant (services/identity/src/data/users/demo-accounts.ts). */
const demoTenantAdmins: Record<string, string> = {
  '36.73': 'admin@serang.example',
  '36.71': 'admin@tangerang.example',
};

export interface PartnerOptions {
  tenant: string;
  /** The tenant admin to act as; the demo tenant's admin by default. */
  admin?: string;
}

interface PartnerApp {
  clientId: string;
  name: string;
  contactEmail: string | null;
  createdAt: string;
  revokedAt: string | null;
}

/** Calls the gateway as the tenant's (demo) admin, signed in like `./balai token`. */
async function asTenantAdmin(options: PartnerOptions, path: string, init: { method: string; body?: unknown }) {
  const login = options.admin ?? demoTenantAdmins[options.tenant];
  if (!login) throw new CliError(`no demo tenant admin for tenant ${options.tenant}: name one with --admin <login>`);
  const token = await demoAccessToken(login, options.tenant);
  const url = `http://127.0.0.1:${settings.ports.gateway}${path}`;
  const response = await fetch(url, {
    method: init.method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const problem = [body.code, body.detail ?? body.title].filter(Boolean).join(': ');
    throw new CliError(`${init.method} ${path} answered ${response.status} ${problem}`);
  }
  return body;
}

/**
 * Registers an Open311 partner app and prints its api_key on stdout, alone, so it can be captured
 * (`KEY=$(./balai partner add "Lapor Cepat")`); the rest goes to stderr. Nothing is kept on disk.
 */
export async function addPartnerApp(name: string, options: PartnerOptions & { email?: string }): Promise<void> {
  const body = await asTenantAdmin(options, '/v1/partner-apps', {
    method: 'POST',
    body: { name, ...(options.email ? { contactEmail: options.email } : {}) },
  });
  process.stderr.write(
    `${pc.green('partner app registered')} in ${options.tenant}: client_id ${String(body.clientId)}\n` +
      `${pc.yellow('its api_key, shown once (revoke with `./balai partner revoke <client_id>`):')}\n`,
  );
  process.stdout.write(`${String(body.apiKey)}\n`);
}

export async function listPartnerApps(options: PartnerOptions): Promise<void> {
  const body = await asTenantAdmin(options, '/v1/partner-apps', { method: 'GET' });
  const apps = (body.items ?? []) as PartnerApp[];
  if (apps.length === 0) process.stderr.write(`no partner apps in ${options.tenant}\n`);
  for (const app of apps) {
    const state = app.revokedAt ? pc.red(`revoked ${app.revokedAt}`) : pc.green('active');
    process.stdout.write(`${app.clientId}\t${app.name}\t${app.contactEmail ?? '-'}\t${app.createdAt}\t${state}\n`);
  }
}

export async function revokePartnerApp(clientId: string, options: PartnerOptions): Promise<void> {
  await asTenantAdmin(options, `/v1/partner-apps/${encodeURIComponent(clientId)}`, { method: 'DELETE' });
  process.stderr.write(
    `${pc.green('revoked')} ${clientId}: new token requests fail now; tokens already issued expire within 5 minutes\n`,
  );
}
