import { randomBytes, randomInt } from 'node:crypto';
import { loadAnalyticsConfig, startAnalytics } from '@balai/analytics';
import { type BalaiClient, createBalaiClient, ok } from '@balai/client';
import { loadComplaintsConfig, startComplaints } from '@balai/complaints';
import { identityV1 } from '@balai/contracts';
import { loadGatewayConfig, startGateway } from '@balai/gateway';
import { loadIdentityConfig, type NotificationMessage, type RunningIdentity, startIdentity } from '@balai/identity';
import { callUnary, createGrpcClient } from '@balai/platform';
import {
  freePort,
  infrastructureEndpoints,
  type SignedIn,
  signInWithPassword,
  type TestNamespace,
} from '@balai/testkit';

/** Where a test points a service, when not at the shared infrastructure. */
export interface ServiceTargets {
  /** A broker of the test's own (see startDedicatedKafka) instead of the shared one. */
  brokers?: string;
  /** identity's gRPC port, for a service that calls identity (complaints). */
  identityGrpcPort?: number;
}

/** Variables every service gets in a test: ephemeral ports, this file's databases and topics. */
export function serviceEnv(ns: TestNamespace, service: string, targets: ServiceTargets = {}): Record<string, string> {
  return {
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    HTTP_PORT: '0',
    GRPC_PORT: '0',
    MONGO_URL: infrastructureEndpoints().mongoUrl,
    MONGO_DB: ns.database(service),
    KAFKA_BROKERS: targets.brokers ?? infrastructureEndpoints().kafkaBrokers,
    KAFKA_TOPIC_PREFIX: ns.topicPrefix,
    KAFKA_GROUP_ID: `${ns.id}.${service}`,
    OUTBOX_POLL_INTERVAL_MS: '200',
    // The demo catalogues (complaints) and agencies (identity): complaints must name a category.
    SEED_DEMO_DATA: 'true',
    ...(targets.identityGrpcPort ? { IDENTITY_GRPC_TARGET: `127.0.0.1:${targets.identityGrpcPort}` } : {}),
  };
}

/**
 * Complaints in-process. It asks identity about agencies, officers and the reopen window: pass
 * `identityGrpcPort` when the test assigns, resolves or escalates. `clock` drives SLA tests.
 */
export function startComplaintsFor(
  ns: TestNamespace,
  targets: ServiceTargets = {},
  options: { clock?: () => Date; env?: Record<string, string> } = {},
) {
  return startComplaints(
    loadComplaintsConfig({ ...serviceEnv(ns, 'complaints', targets), ...options.env }),
    options.clock ? { clock: options.clock } : {},
  );
}

export function startAnalyticsFor(ns: TestNamespace, targets: ServiceTargets = {}) {
  return startAnalytics(loadAnalyticsConfig(serviceEnv(ns, 'analytics', targets)));
}

export function startGatewayFor(
  targets: Partial<Record<'identity' | 'complaints' | 'permits' | 'analytics', number>>,
  identity?: TestIdentity,
  /** More gateway variables, e.g. OPEN311_JURISDICTIONS. */
  env: Record<string, string> = {},
) {
  return startGateway(loadGatewayConfig({ ...gatewayEnv(targets, identity), ...env }));
}

/** Identity as the e2e tests run it: in-process, its codes captured, its issuer the gateway's. */
export interface TestIdentity {
  service: RunningIdentity;
  /** Identity's provider as apps see it: through the gateway, whose port is reserved for it. */
  issuer: string;
  gatewayPort: number;
  messages: NotificationMessage[];
}

export async function startIdentityFor(
  ns: TestNamespace,
  targets: ServiceTargets = {},
  /** More identity variables, e.g. DEMO_PASSWORD to seed the demo accounts. */
  env: Record<string, string> = {},
): Promise<TestIdentity> {
  const gatewayPort = await freePort();
  const issuer = `http://127.0.0.1:${gatewayPort}/oidc`;
  const messages: NotificationMessage[] = [];
  const service = await startIdentity(
    loadIdentityConfig({ ...serviceEnv(ns, 'identity', targets), SEED_DEMO_DATA: 'true', OIDC_ISSUER: issuer, ...env }),
    { notificationSender: { send: async (message) => void messages.push(message) } },
  );
  return { service, issuer, gatewayPort, messages };
}

/**
 * Identity, complaints and analytics behind the gateway: the API as apps use it, with real
 * sign-ins. `targets` points complaints and analytics elsewhere; identity stays on the shared
 * broker, since signing in is not what a test with a broker of its own takes down.
 */
export async function startApiStack(ns: TestNamespace, targets: ServiceTargets = {}) {
  const [identity, analytics] = await Promise.all([startIdentityFor(ns), startAnalyticsFor(ns, targets)]);
  // Complaints needs identity's gRPC port (assignment checks, reopen window, escalation).
  const complaints = await startComplaintsFor(ns, { ...targets, identityGrpcPort: identity.service.grpcPort });
  const gateway = await startGatewayFor({ complaints: complaints.grpcPort, analytics: analytics.grpcPort }, identity);
  return {
    identity,
    gateway,
    async stop() {
      await gateway.stop();
      await Promise.all([identity.service.stop(), complaints.stop(), analytics.stop()]);
    },
  };
}

export type ApiStack = Awaited<ReturnType<typeof startApiStack>>;

export const testRateLimits = [
  'sign-in.address=100000/1m',
  'token.address=100000/1m',
  'registration.address=100000/1m',
  'verification.address=100000/1m',
  'open311-post.address=100000/1m',
  'open311-post.caller=100000/1m',
  'writes.address=100000/1m',
  'writes.caller=100000/1m',
  'reads.address=100000/1m',
  'reads.caller=100000/1m',
].join(',');

/** The gateway's variables for services on these gRPC ports and, when given, this identity. */
export function gatewayEnv(
  targets: Partial<Record<'identity' | 'complaints' | 'permits' | 'analytics', number>>,
  identity?: TestIdentity,
): Record<string, string> {
  const env: Record<string, string> = {
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    HTTP_PORT: '0',
    OPS_HTTP_PORT: '0',
    // The rate-limit windows: a database of this gateway's own, so no other test's counts meet its.
    MONGO_URL: infrastructureEndpoints().mongoUrl,
    MONGO_DB: `t_gateway_${randomBytes(6).toString('hex')}`,
    // Every test's users come from 127.0.0.1: the limits stay on (the store is in every request's
    // path), raised past what one test file does. abuse-limits.int.test.ts runs the defaults.
    RATE_LIMITS: testRateLimits,
  };
  for (const [service, port] of Object.entries(targets)) {
    env[`${service.toUpperCase()}_GRPC_TARGET`] = `127.0.0.1:${port}`;
  }
  if (identity) {
    const publicUrl = `http://127.0.0.1:${identity.gatewayPort}`;
    Object.assign(env, {
      HTTP_PORT: String(identity.gatewayPort),
      PUBLIC_URL: publicUrl,
      OIDC_ISSUER: identity.issuer,
      IDENTITY_HTTP_URL: `http://127.0.0.1:${identity.service.httpPort}`,
      IDENTITY_GRPC_TARGET: `127.0.0.1:${identity.service.grpcPort}`,
    });
  }
  return env;
}

/** The demo web app's client (seeded): public, PKCE, first party. */
export const webClient = { clientId: 'balai-web', redirectUri: 'http://127.0.0.1:5173/callback' };
export const apiResource = 'urn:balai:api';

/** A valid NIK of the tenant's province, unique enough for one test run (random birth date and sequence). */
export function newNik(province = '36'): string {
  const day = 1 + randomInt(28);
  const month = 1 + randomInt(12);
  const year = 60 + randomInt(40);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${province}7301${two(day + (randomInt(2) ? 40 : 0))}${two(month)}${two(year)}${String(1 + randomInt(9999)).padStart(4, '0')}`;
}

const password = 'kopi tubruk pagi hari';

function newMobile(): string {
  return `0812${String(randomInt(100_000_000)).padStart(8, '0')}`;
}

function lastCode(identity: TestIdentity, to: string): string {
  const message = identity.messages.findLast((candidate) => candidate.to === to && candidate.params.code);
  if (!message?.params.code) throw new Error(`no code was sent to ${to}`);
  return message.params.code;
}

/**
 * The typed API client (@balai/client) as an app uses it: signed in with `token`, or anonymous
 * naming `tenant`. Its calls answer `{ data, error, response }`; `ok(...)` gives the body or throws.
 */
export function apiClient(
  gatewayUrl: string,
  options: { token?: string | null; tenant?: string; language?: string } = {},
): BalaiClient {
  return createBalaiClient({
    baseUrl: gatewayUrl,
    ...(options.tenant ? { tenant: options.tenant } : {}),
    ...(options.language ? { language: options.language } : {}),
    ...(options.token ? { auth: options.token } : {}),
  });
}

/**
 * A citizen as a real one gets there: registers through the gateway, verifies with the code
 * sent by SMS, signs in on the hosted page. Returns the API access token and the login.
 */
export async function signInNewCitizen(
  gatewayUrl: string,
  identity: TestIdentity,
  tenant = '36.73',
): Promise<{ accessToken: string; login: string; signedIn: SignedIn }> {
  const login = newMobile();
  const phone = `+62${login.slice(1)}`;
  const api = apiClient(gatewayUrl, { tenant });
  await ok(
    api.POST('/v1/citizens/registrations', {
      body: { nik: newNik(tenant.slice(0, 2)), fullName: 'Warga Uji', phone: login, password },
    }),
  );
  await ok(api.POST('/v1/accounts/verification', { body: { login, code: lastCode(identity, phone) } }));
  const signedIn = await signInWithPassword({
    issuer: identity.issuer,
    ...webClient,
    tenant,
    login,
    password,
    resource: apiResource,
  });
  return { accessToken: signedIn.tokens.access_token, login, signedIn };
}

/**
 * A staff member: created by a tenant admin (identity's gRPC API with an admin's context, as
 * the gateway would call it), activated with the e-mailed code, signed in on the hosted page.
 */
export async function signInNewStaff(
  gatewayUrl: string,
  identity: TestIdentity,
  staff: { tenant?: string; roles: string[]; agencyId?: string },
): Promise<{ accessToken: string; userId: string; signedIn: SignedIn }> {
  const tenant = staff.tenant ?? '36.73';
  const email = `staf.${randomInt(1e9)}@pemda.example`;
  const client = createGrpcClient(identityV1.IdentityServiceClient, `127.0.0.1:${identity.service.grpcPort}`);
  try {
    const { user } = await callUnary(
      client.createStaff.bind(client),
      { fullName: 'Staf Uji', email, phone: '', roles: staff.roles, agencyId: staff.agencyId ?? '', supervisorId: '' },
      { tenantId: tenant, requestId: 'e2e-setup', subject: 'e2e-admin', roles: ['tenant_admin'] },
      5000,
    );
    await ok(
      apiClient(gatewayUrl, { tenant }).POST('/v1/accounts/activation', {
        body: { login: email, code: lastCode(identity, email), newPassword: password },
      }),
    );
    const signedIn = await signInWithPassword({
      issuer: identity.issuer,
      ...webClient,
      tenant,
      login: email,
      password,
      resource: apiResource,
    });
    return { accessToken: signedIn.tokens.access_token, userId: user?.id ?? '', signedIn };
  } finally {
    client.close();
  }
}

/** A JSON call to the gateway's API as an app makes it: tenant header, bearer token, JSON body. */
export function callApi(
  gatewayUrl: string,
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; tenant?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const { token, body, tenant, headers } = options;
  return fetch(`${gatewayUrl}${path}`, {
    method,
    headers: {
      ...(tenant ? { 'x-balai-tenant': tenant } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
