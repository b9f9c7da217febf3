import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPermitsConfig, startPermits } from '@balai/permits';
import { type SignedIn, testNamespace } from '@balai/testkit';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FuzzProfile,
  fuzzProfile,
  type OperationFailure,
  type RunReport,
  readFailures,
  readRunReport,
  repositoryRoot,
  runSchemathesis,
  schemathesisExecutable,
} from './api-contract-fuzzing.js';
import {
  apiResource,
  callApi,
  serviceEnv,
  signInNewCitizen,
  signInNewStaff,
  startAnalyticsFor,
  startComplaintsFor,
  startGatewayFor,
  startIdentityFor,
} from './helpers.js';

/*
 * Fuzzing from the contract: schemathesis generates requests from the gateway's own
 * /openapi.json and sends them to the whole platform (identity, complaints, permits, analytics
 * behind the gateway, in-process on this file's databases and topics), as each role and as
 * nobody, Open311 partners with their api_key. The API must keep to its document: no 5xx, every
 * status code and content type documented, every body as its schema says. BALAI_FUZZ_PROFILE
 * picks how much (quick, the default, in `./balai test`; long with `./balai fuzz --long`);
 * tests/fuzz/README.md says how the hooks pick callers and ids.
 */

const profile: FuzzProfile = fuzzProfile(process.env.BALAI_FUZZ_PROFILE);
const ns = testNamespace(import.meta.filename);
const tenant = '36.73';
const reportDir = join(repositoryRoot, '.data/reports', `fuzz-${profile.name}`);
const contextFile = join(reportDir, 'context.json');
const statsFile = join(reportDir, 'calls.json');

/** The roles schemathesis calls as, besides anonymous callers and the Open311 partner. */
const roles = ['citizen', 'officer', 'supervisor', 'analyst', 'tenant_admin'] as const;
type FuzzRole = (typeof roles)[number];

interface Caller {
  userId: string;
  signedIn: SignedIn;
  accessToken: string;
  refreshToken: string | undefined;
}

let st: string;
let gatewayUrl = '';
let stopAll: (() => Promise<void>) | undefined;
const callers = {} as Record<FuzzRole, Caller>;
let partner: { clientId: string; apiKey: string };
/** Ids of things that exist, for the hooks to use instead of generated ones now and then. */
const known: Record<string, string[]> = {};

beforeAll(async () => {
  st = schemathesisExecutable();
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });

  // An hour's access tokens: the quick profile never needs a refresh, the long one refreshes.
  const identity = await startIdentityFor(ns, {}, { ACCESS_TOKEN_TTL_SECONDS: '3600' });
  const [analytics, permits, complaints] = await Promise.all([
    startAnalyticsFor(ns),
    startPermits(loadPermitsConfig({ ...serviceEnv(ns, 'permits'), SEED_DEMO_DATA: 'true' })),
    startComplaintsFor(ns, { identityGrpcPort: identity.service.grpcPort }),
  ]);
  const gateway = await startGatewayFor(
    { complaints: complaints.grpcPort, analytics: analytics.grpcPort, permits: permits.grpcPort },
    identity,
    { OPEN311_JURISDICTIONS: 'serangkota.go.id=36.73' },
  );
  gatewayUrl = gateway.url;
  stopAll = async () => {
    await gateway.stop();
    await Promise.all([identity.service.stop(), complaints.stop(), analytics.stop(), permits.stop()]);
  };

  const citizen = await signInNewCitizen(gatewayUrl, identity, tenant);
  callers.citizen = caller(String(decodeJwt(citizen.accessToken).sub), citizen.signedIn);
  for (const [role, agencyId] of [
    ['officer', 'dpupr'],
    ['supervisor', 'dpupr'],
    ['analyst', undefined],
    ['tenant_admin', undefined],
  ] as const) {
    const staff = await signInNewStaff(gatewayUrl, identity, { roles: [role], agencyId });
    callers[role] = caller(staff.userId, staff.signedIn);
  }
  partner = await created<{ clientId: string; apiKey: string }>('POST', '/v1/partner-apps', 'tenant_admin', {
    name: 'Lapor Uji Kontrak',
  });
  await seed();
  // Long runs refresh the tokens every 20 minutes; doing it once now proves that path works.
  await refreshTokens();
}, 180_000);

afterAll(async () => {
  await stopAll?.();
});

function caller(userId: string, signedIn: SignedIn): Caller {
  return {
    userId,
    signedIn,
    accessToken: signedIn.tokens.access_token,
    refreshToken: signedIn.tokens.refresh_token,
  };
}

async function created<T>(method: string, path: string, role: FuzzRole, body: unknown): Promise<T> {
  const response = await callApi(gatewayUrl, method, path, { token: callers[role].accessToken, body, tenant });
  if (response.status >= 300)
    throw new Error(`seeding: ${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * Things for the fuzzed calls to find: complaints in each state a transition starts from, staff
 * and a partner app that may be changed or revoked (never the callers themselves), and the
 * tenant's catalogue, agencies and tenants.
 */
async function seed(): Promise<void> {
  type Complaint = { id: string; version: number };
  const submission = (description: string) => ({
    categoryCode: 'roads.pothole',
    description,
    latitude: -6.1204,
    longitude: 106.1503,
    attributes: [{ code: 'road_type', values: ['city'] }],
  });
  const file = (description: string) =>
    created<Complaint>('POST', '/v1/complaints', 'citizen', submission(description));
  const submitted = await file('Jalan berlubang di depan sekolah dasar');
  const assigned = await file('Lubang besar di tikungan dekat pasar');
  const inProgress = await created<Complaint>('POST', `/v1/complaints/${assigned.id}/assignment`, 'officer', {
    expectedVersion: assigned.version,
    agencyId: 'dpupr',
    officerId: callers.officer.userId,
  });
  const toResolve = await file('Aspal terkelupas sepanjang sepuluh meter');
  const assignedToResolve = await created<Complaint>('POST', `/v1/complaints/${toResolve.id}/assignment`, 'officer', {
    expectedVersion: toResolve.version,
    agencyId: 'dpupr',
    officerId: callers.officer.userId,
  });
  const resolved = await created<Complaint>('POST', `/v1/complaints/${toResolve.id}/resolution`, 'officer', {
    expectedVersion: assignedToResolve.version,
    note: 'Sudah ditambal',
  });
  const open311 = await fetch(`${gatewayUrl}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      api_key: partner.apiKey,
      service_code: 'roads.pothole',
      lat: '-6.1103',
      long: '106.1631',
      description: 'Lubang di depan Pasar Rau, dilaporkan lewat aplikasi mitra',
      'attribute[road_type]': 'city',
    }).toString(),
  });
  if (open311.status !== 200) throw new Error(`seeding Open311: ${open311.status} ${await open311.text()}`);
  const [{ service_request_id: open311Id }] = (await open311.json()) as [{ service_request_id: string }];

  const victims = await Promise.all(
    [1, 2].map((n) =>
      created<{ id: string }>('POST', '/v1/staff', 'tenant_admin', {
        fullName: `Staf Uji Kontrak ${'AB'[n - 1]}`,
        email: `staf.kontrak.${n}.${Date.now()}@pemda.example`,
        roles: ['officer'],
        agencyId: 'dpupr',
      }),
    ),
  );
  const revocable = await created<{ clientId: string }>('POST', '/v1/partner-apps', 'tenant_admin', {
    name: 'Aplikasi Mitra Uji',
  });
  // Every list answers the one envelope, { items, nextPageToken } (docs/api-conventions.md).
  const list = async <T>(path: string) =>
    (await created<{ items?: T[] }>('GET', path, 'tenant_admin', undefined)).items ?? [];

  Object.assign(known, {
    complaintIds: [submitted.id, inProgress.id, resolved.id, open311Id],
    officerIds: [callers.officer.userId, ...victims.map((victim) => victim.id)],
    staffIds: victims.map((victim) => victim.id),
    partnerClientIds: [revocable.clientId],
    categoryCodes: (await list<{ code: string }>('/v1/complaint-categories')).map((each) => each.code),
    agencyIds: (await list<{ id: string }>('/v1/agencies')).map((each) => each.id),
    tenantIds: (await list<{ id: string }>('/v1/tenants')).map((each) => each.id),
    protected: [...roles.map((role) => callers[role].userId), partner.clientId],
  });
}

/** What tests/fuzz/hooks.py reads; written whole and renamed, as the hooks may read it meanwhile. */
function writeContext(): void {
  const context = {
    tenant,
    tokens: Object.fromEntries(roles.map((role) => [role, callers[role].accessToken])),
    open311ApiKey: partner.apiKey,
    known,
  };
  writeFileSync(`${contextFile}.tmp`, JSON.stringify(context, null, 2));
  renameSync(`${contextFile}.tmp`, contextFile);
}

/** New access tokens for every role, for runs that outlast them. */
async function refreshTokens(): Promise<void> {
  for (const role of roles) {
    const current = callers[role];
    if (!current.refreshToken) throw new Error(`the ${role} has no refresh token (offline_access)`);
    const tokens = await oidc.refreshTokenGrant(current.signedIn.configuration, current.refreshToken, {
      resource: apiResource,
    });
    current.accessToken = tokens.access_token;
    current.refreshToken = tokens.refresh_token ?? current.refreshToken;
  }
  writeContext();
}

function roleOfToken(token: string): string {
  const role = roles.find((each) => callers[each].accessToken === token);
  return role ? `<${role} token>` : '<token>';
}

/** A failure as people read it: the operation, schemathesis' account, tokens named by role. */
function describeFailure(failure: OperationFailure): string {
  const text = failure.text
    .replace(/Bearer ([A-Za-z0-9._-]+)/g, (_match, token: string) => `Bearer ${roleOfToken(token)}`)
    .replace(/\n{3,}/g, '\n\n');
  return `${failure.kind === 'error' ? 'ERROR in' : 'FAILED'} ${failure.operation}\n${text}`;
}

/** Requests per operation and status, as tests/fuzz/hooks.py counted them. */
function callCounts(): Record<string, Record<string, number>> {
  return existsSync(statsFile) ? JSON.parse(readFileSync(statsFile, 'utf8')) : {};
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

function summary(report: RunReport, seconds: number): string {
  const calls = callCounts();
  const perOperation = Object.entries(calls)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, statuses]) => {
      const byStatus = Object.entries(statuses)
        .map(([status, count]) => `${status}:${count}`)
        .join(' ');
      return `  ${String(total(statuses)).padStart(6)}  ${label.padEnd(52)} ${byStatus}`;
    });
  const requests = Object.values(calls).reduce((sum, statuses) => sum + total(statuses), 0);
  const warnings = Object.entries(report.warnings)
    .filter(([, entries]) => Array.isArray(entries) && entries.length > 0)
    .map(([name, entries]) => `  ${name}: ${entries.map((entry) => JSON.stringify(entry)).join(', ')}`);
  const headline =
    `schemathesis, ${profile.name} profile: ${report.operations.tested}/${report.operations.total} operations, ` +
    `${report.test_cases.generated} cases generated, ${requests} requests, ${seconds} s, seed ${report.seed}`;
  const details = [
    headline,
    'requests per operation (by status):',
    ...perOperation,
    ...(warnings.length > 0 ? ['warnings (not failures):', ...warnings] : []),
  ].join('\n');
  writeFileSync(join(reportDir, 'summary.txt'), `${details}\n`);
  // The quick profile runs in every `./balai test`: one line there, the table in summary.txt.
  return profile.name === 'long' ? details : `${headline}\nper operation: ${join(reportDir, 'summary.txt')}`;
}

describe('the API against its own OpenAPI document (schemathesis)', () => {
  it(
    'should answer every generated request as documented: no 5xx, documented statuses, content types and bodies',
    async () => {
      const refresher = setInterval(() => void refreshTokens().catch(console.error), 20 * 60_000);
      let run: Awaited<ReturnType<typeof runSchemathesis>>;
      try {
        run = await runSchemathesis({
          st,
          openapiUrl: `${gatewayUrl}/openapi.json`,
          profile,
          reportDir,
          seed: process.env.BALAI_SCHEMATHESIS_SEED,
          env: { BALAI_FUZZ_CONTEXT: contextFile, BALAI_FUZZ_STATS: statsFile },
          progress: (seconds) => {
            const requests = Object.values(callCounts()).reduce((sum, statuses) => sum + total(statuses), 0);
            console.log(`schemathesis (${profile.name}): ${seconds} s, ${requests} requests so far`);
          },
        });
      } finally {
        clearInterval(refresher);
      }
      const report = readRunReport(reportDir);
      console.log(summary(report, run.seconds));
      const failures = readFailures(reportDir).map(describeFailure);
      const errors = report.errors.map((error) => `ERROR ${JSON.stringify(error)}`);
      expect(
        [...failures, ...errors],
        `schemathesis found ${failures.length} failing operation(s) and ${errors.length} error(s); ` +
          `log: ${join(reportDir, 'schemathesis.log')}`,
      ).toEqual([]);
      expect(report.operations.tested, 'every operation of the document was fuzzed').toBe(report.operations.total);
      expect(run.exitCode, `schemathesis exit code; log: ${join(reportDir, 'schemathesis.log')}`).toBe(0);
    },
    profile.testTimeoutMs,
  );
});
