import { roles } from '@balai/platform';
import { type ServiceProcess, startServiceProcess, testNamespace } from '@balai/testkit';
import { type Client, status as GrpcStatus } from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CallOutcome,
  type ContractMethod,
  callFramed,
  callRaw,
  compactJson,
  contractMethods,
  type FuzzMetadata,
  grpcFrame,
  healthServing,
  hex,
  lengthDelimited,
  messageArbitrary,
  mutateEncoding,
  nestedGroups,
  oversizedMessages,
  printableAscii,
  printedAs,
  rawClient,
  rawTimestamp,
  statusName,
  stringsIn,
  timestampFieldNumbers,
  toMetadata,
  wireMutationArbitrary,
} from './grpc-fuzzing.js';
import { newNik, serviceEnv } from './helpers.js';

/*
 * Issue 11: every gRPC method, fed malformed bytes, random well-typed messages and random
 * caller metadata, ends every call with a proper status, and no service crashes or hangs.
 * The methods come from the generated service definitions, so a new one is fuzzed without a
 * change here. The services run from their builds as child processes (`pnpm turbo run build`
 * first), so a crash shows as an exit, not as a failed test process.
 *
 * BALAI_FUZZ_PROFILE=long (`./balai fuzz --long`) runs many more cases per method; a failure
 * prints fast-check's seed and path, and BALAI_FUZZ_SEED replays a run.
 */

const profiles = {
  // About a minute on two cores, start-up included: in `./balai test`.
  quick: { malformed: 60, typed: 60, metadata: 25, timeLimitMs: 25_000 },
  long: { malformed: 1_500, typed: 1_500, metadata: 500, timeLimitMs: 600_000 },
} as const;
const profileName = process.env.BALAI_FUZZ_PROFILE || 'quick';
if (!(profileName in profiles)) {
  throw new Error(`BALAI_FUZZ_PROFILE must be quick or long, not "${profileName}"`);
}
const profile = profiles[profileName as keyof typeof profiles];
const seedVariable = process.env.BALAI_FUZZ_SEED;
if (seedVariable && !/^-?\d{1,10}$/.test(seedVariable)) {
  throw new Error(`BALAI_FUZZ_SEED must be an integer (the seed fast-check printed), not "${seedVariable}"`);
}
const seed = seedVariable ? Number(seedVariable) | 0 : undefined;

/** Longer than any answer should take: a call still open then is a hang. */
const deadlineMs = 5_000;

/** Client errors and success. UNIMPLEMENTED only where the framing has no single request. */
const properCodes = new Set<GrpcStatus>([
  GrpcStatus.OK,
  GrpcStatus.INVALID_ARGUMENT,
  GrpcStatus.NOT_FOUND,
  GrpcStatus.ALREADY_EXISTS,
  GrpcStatus.PERMISSION_DENIED,
  GrpcStatus.UNAUTHENTICATED,
  GrpcStatus.FAILED_PRECONDITION,
  GrpcStatus.ABORTED,
  GrpcStatus.OUT_OF_RANGE,
  GrpcStatus.RESOURCE_EXHAUSTED,
]);

const ns = testNamespace(import.meta.filename);
const { unary: methods, streaming } = contractMethods();
const serviceNames = [...new Set(methods.map((method) => method.service))];

interface RunningService {
  process: ServiceProcess;
  client: Client;
  /** Lines of its output that speak of an unhandled rejection or uncaught exception. */
  alarms: string[];
}
const running = new Map<string, RunningService>();
/** Per method: how many calls ended with which status. */
const tally = new Map<string, Map<string, number>>();
let dictionary: string[] = [];
let tenants: string[] = [];
let agencies: string[] = [];
let userIds: string[] = [];
const startedAt = performance.now();

async function startService(service: string, identityGrpcPort?: number): Promise<void> {
  // Complaints asks identity about agencies, officers and the reopen window.
  const env = serviceEnv(ns, service, service === 'complaints' ? { identityGrpcPort } : {});
  const child = await startServiceProcess({ service, env });
  const alarms: string[] = [];
  // Sees every line, however many the output buffer has dropped since.
  child
    .waitForLine((line) => (/unhandled|uncaught/i.test(line) ? void alarms.push(line) : undefined), {
      timeoutMs: 2 ** 31 - 1,
      what: 'an unhandled failure',
    })
    .catch(() => {});
  running.set(service, { process: child, client: rawClient(child.grpcPort ?? 0), alarms });
}

function serviceOf(method: ContractMethod): RunningService {
  const service = running.get(method.service);
  if (!service) throw new Error(`no ${method.service} process runs for ${method.path}`);
  return service;
}

function caller(context: {
  tenant?: string;
  subject?: string;
  roles?: readonly string[];
  agency?: string;
  clientAddress?: string;
}): FuzzMetadata {
  const entries: FuzzMetadata['entries'] = [['x-request-id', 'grpc-fuzz']];
  if (context.tenant !== undefined) entries.push(['x-balai-tenant', context.tenant]);
  if (context.subject !== undefined) entries.push(['x-balai-subject', context.subject]);
  if (context.roles && context.roles.length > 0) entries.push(['x-balai-roles', context.roles.join(',')]);
  if (context.agency !== undefined) entries.push(['x-balai-agency', context.agency]);
  if (context.clientAddress !== undefined) entries.push(['x-balai-client-address', context.clientAddress]);
  return { entries };
}

const admin = caller({ tenant: '36.73', subject: 'fuzz-admin', roles: ['tenant_admin', 'platform_admin'] });
/** A staff member holding every role, whom no role check stops: the fixed cases reach the rules. */
let everyRole = admin;

async function call(method: ContractMethod, request: Uint8Array, metadata: FuzzMetadata): Promise<CallOutcome> {
  const service = serviceOf(method);
  const outcome = await callRaw(service.client, method.path, request, toMetadata(metadata), deadlineMs);
  const counts = tally.get(method.name) ?? new Map<string, number>();
  counts.set(statusName(outcome.code), (counts.get(statusName(outcome.code)) ?? 0) + 1);
  tally.set(method.name, counts);
  if (!properCodes.has(outcome.code)) {
    // A broken answer can take the connection down with it; the next call (a shrinking step)
    // must not fail for that, or the counterexample reported would be the wrong one.
    service.client.close();
    service.client = rawClient(service.process.grpcPort ?? 0);
  }
  return outcome;
}

/** Throws, for fast-check to report with its counterexample, unless the outcome is proper. */
function expectProper(method: ContractMethod, outcome: CallOutcome, request: Uint8Array, metadata: FuzzMetadata) {
  const sent = `request ${hex(request)}, metadata ${JSON.stringify(metadata.entries).slice(0, 400)}`;
  const service = serviceOf(method);
  if (service.process.exitStatus) {
    throw new Error(
      `${method.service} exited (${JSON.stringify(service.process.exitStatus)}) during ${method.path}; ${sent}\n` +
        service.process.output().split('\n').slice(-30).join('\n'),
    );
  }
  if (!properCodes.has(outcome.code)) {
    throw new Error(`${method.path} answered ${statusName(outcome.code)} "${outcome.details}" to ${sent}`);
  }
  if (outcome.code === GrpcStatus.OK) {
    try {
      method.decodeResponse(outcome.response ?? Buffer.alloc(0));
    } catch (error) {
      throw new Error(`${method.path} answered OK with an undecodable response (${String(error)}) to ${sent}`);
    }
  }
}

function assertOptions(numRuns: number) {
  return {
    numRuns,
    ...(seed === undefined ? {} : { seed }),
    // Shrinking a hang costs a deadline per step: bounded, the best counterexample so far is reported.
    plugins: [fc.interruptAfterTimeLimit(profile.timeLimitMs)],
  };
}

function methodNamed(name: string): ContractMethod {
  const method = methods.find((candidate) => candidate.name === name);
  if (!method) throw new Error(`no method ${name} in the contracts`);
  return method;
}

/** A call the setup relies on: it must succeed. */
async function setupCall(name: string, request: Record<string, unknown>, metadata: FuzzMetadata) {
  const method = methodNamed(name);
  const outcome = await call(method, method.request.encode(method.request.fromPartial(request)).finish(), metadata);
  if (outcome.code !== GrpcStatus.OK)
    throw new Error(`setup: ${name} answered ${statusName(outcome.code)} ${outcome.details}`);
  return method.decodeResponse(outcome.response ?? Buffer.alloc(0));
}

beforeAll(async () => {
  await startService('identity');
  const identityGrpcPort = running.get('identity')?.process.grpcPort;
  await Promise.all(
    serviceNames.filter((service) => service !== 'identity').map((service) => startService(service, identityGrpcPort)),
  );

  // Things that exist, so well-typed calls reach the rules behind "not found": a staff member,
  // a complaint, and every string the services answer to calls with empty requests.
  const found = new Set<string>(['36.73', 'fuzz-admin', 'fuzz-citizen', ...roles]);
  const { agencies: listed } = (await setupCall('IdentityService/ListAgencies', {}, admin)) as {
    agencies: Array<{ id: string }>;
  };
  const agencyId = listed[0]?.id ?? '';
  const { user } = (await setupCall(
    'IdentityService/CreateStaff',
    { fullName: 'Petugas Fuzz', email: 'petugas.fuzz@pemda.example', roles: ['officer', 'supervisor'], agencyId },
    admin,
  )) as { user: { id: string } };
  const citizen = caller({ tenant: '36.73', subject: 'fuzz-citizen', roles: ['citizen'] });
  const officer = caller({ tenant: '36.73', subject: user.id, roles: ['officer', 'supervisor'], agency: agencyId });
  const submitted = await setupCall(
    'ComplaintsService/SubmitComplaint',
    { categoryCode: 'drainage.flooding', description: 'Saluran air tersumbat', latitude: -6.1187, longitude: 106.1522 },
    citizen,
  );
  stringsIn(submitted, found);
  for (const method of methods) {
    for (const metadata of [admin, officer, citizen]) {
      const outcome = await call(method, new Uint8Array(), metadata);
      if (outcome.code === GrpcStatus.OK) stringsIn(method.decodeResponse(outcome.response ?? Buffer.alloc(0)), found);
    }
  }
  // Well-formed values of the formats the services check, so validation sometimes passes.
  for (const value of [
    newNik(),
    '081234567890',
    '+6281234567890',
    'warga@example.com',
    'kopi tubruk pagi hari',
    'https://example.com/foto.jpg',
    '2026-01-01T00:00:00Z',
  ]) {
    found.add(value);
  }
  dictionary = [...found].sort();
  tenants = dictionary.filter((value) => /^\d{2}(\.\d{2}){0,2}(\.\d{4})?$/.test(value));
  agencies = listed.map((agency) => agency.id);
  userIds = [user.id, 'fuzz-admin', 'fuzz-citizen'];
  everyRole = caller({ tenant: '36.73', subject: user.id, roles, agency: agencyId });
}, 120_000);

afterAll(async () => {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  const lines = [...tally].map(
    ([name, counts]) =>
      `  ${name}: ${[...counts]
        .sort()
        .map(([code, count]) => `${code} ${count}`)
        .join(', ')}`,
  );
  const calls = [...tally.values()].reduce((sum, counts) => sum + [...counts.values()].reduce((a, b) => a + b, 0), 0);
  console.log(
    `gRPC fuzzing (profile ${profileName}): ${methods.length} methods, ${calls} calls in ${seconds} s\n${lines.join('\n')}`,
  );
  for (const service of running.values()) service.client.close();
  await Promise.all([...running.values()].map((service) => service.process.stop()));
});

describe('the contracts', () => {
  it('should have only unary methods, which the fuzzer covers', () => {
    expect(streaming, 'streaming methods the fuzzer does not cover yet').toEqual([]);
    expect(methods.length).toBeGreaterThan(0);
  });
});

/** Caller metadata as the gateway sends it: known tenants, roles, subjects and agencies. */
function wellFormedCaller(): fc.Arbitrary<FuzzMetadata> {
  const someone = fc
    .record(
      {
        tenant: fc.constantFrom(...tenants),
        subject: fc.constantFrom(...userIds),
        roles: fc.subarray([...roles], { maxLength: 3 }),
        agency: fc.constantFrom(...agencies),
        clientAddress: fc.constantFrom('203.0.113.7', '2001:db8::7', '127.0.0.1'),
      },
      { requiredKeys: ['tenant', 'roles'] },
    )
    .map(caller);
  return fc.oneof({ weight: 3, arbitrary: someone }, { weight: 1, arbitrary: fc.constant(everyRole) });
}

const metadataKeys = [
  'x-balai-tenant',
  'x-balai-subject',
  'x-balai-roles',
  'x-balai-agency',
  'x-request-id',
  'x-balai-client-address',
  'traceparent',
] as const;

/** Caller metadata no gateway sends: missing, malformed or odd values, unknown roles, repeated keys. */
function oddCaller(): fc.Arbitrary<FuzzMetadata> {
  const odd = fc.oneof(
    printableAscii,
    fc.constantFrom(
      '',
      ' ',
      '36.73.',
      '.36',
      '36..73',
      '3673',
      '36.73,36.71',
      '99',
      '00',
      '36.73.01.0001.1',
      '*',
      '$ne',
      '{"$gt":""}',
      '../36',
      ',,,',
      'citizen,',
      ' citizen',
      'CITIZEN',
      'root',
      'platform-admin',
      'citizen,platform_admin,tenant_admin,officer',
      '999.1.1.1',
      'fe80::1%eth0',
      '00-00000000000000000000000000000000-0000000000000000-00',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    ),
    fc.constantFrom(...dictionary),
    fc.constantFrom(1_000, 7_000).map((length) => 'a'.repeat(length)),
  );
  const entry = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...metadataKeys), odd) },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.constantFrom('x-balai-tenant-bin', 'x-balai-roles-bin', 'x-fuzz-bin'),
        fc.uint8Array({ maxLength: 32 }),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.stringMatching(/^x-[a-z0-9_.-]{1,20}$/).filter((key) => !key.endsWith('-bin')),
        printableAscii,
      ),
    },
  );
  return fc
    .array(entry, { maxLength: 8 })
    .map((entries) => printedAs({ entries } as FuzzMetadata, compactJson(entries)));
}

/** Random bytes, and valid encodings damaged on the wire. */
function malformedRequest(method: ContractMethod): fc.Arbitrary<{ bytes: Uint8Array }> {
  const damaged = fc
    .tuple(
      messageArbitrary(method.requestShape, { dictionary }, true),
      fc.array(wireMutationArbitrary, { minLength: 1, maxLength: 3 }),
    )
    .map(([message, mutations]) => {
      const bytes = mutateEncoding(method.request.encode(method.request.fromPartial(message)).finish(), mutations);
      return printedAs({ bytes }, `${hex(bytes)} (${compactJson(message)} damaged by ${compactJson(mutations)})`);
    });
  const random = fc.uint8Array({ maxLength: 256 }).map((bytes) => printedAs({ bytes }, hex(bytes, 256)));
  return fc.oneof(random, damaged);
}

/** Malformed inputs every method gets once, whatever the random ones were. */
const fixedMalformed: Array<{ what: string; bytes: Uint8Array }> = [
  { what: 'unknown groups 100,000 deep', bytes: nestedGroups(1, 100_000) },
  {
    what: 'a length prefix of 2^32-1 with 3 bytes behind it',
    bytes: Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]),
  },
  { what: 'an end-group tag with no start', bytes: Uint8Array.from([0x0c]) },
  { what: 'wire type 7', bytes: Uint8Array.from([0x0f, 0x00]) },
  { what: 'field number 0', bytes: Uint8Array.from([0x00, 0x00]) },
  { what: '4 MiB of zero bytes', bytes: new Uint8Array(4 * 1024 * 1024 + 1) },
];

/** Each Timestamp field of the request with seconds and nanos no Date holds. */
function hostileTimestamps(method: ContractMethod): Array<{ what: string; bytes: Uint8Array }> {
  return timestampFieldNumbers(method).flatMap((field) =>
    [
      [10n ** 13n, 0n],
      [-(10n ** 13n), -1n],
      [2n ** 62n, 0n],
      [0n, 2n ** 31n - 1n],
    ].map(([seconds, nanos]) => ({
      what: `field ${field} a Timestamp of ${seconds} s ${nanos} ns`,
      bytes: lengthDelimited(field, rawTimestamp(seconds as bigint, nanos as bigint)),
    })),
  );
}

/** Sends each case as the admin and as the holder of every role; says which answers were not proper. */
async function improperAnswers(method: ContractMethod, cases: Array<{ what: string; bytes: Uint8Array }>) {
  const improper: string[] = [];
  for (const { what, bytes } of cases) {
    for (const metadata of [admin, everyRole]) {
      try {
        expectProper(method, await call(method, bytes, metadata), bytes, metadata);
      } catch (error) {
        improper.push(`${what}: ${(error as Error).message}`);
      }
    }
  }
  return improper;
}

const hasFields = (method: ContractMethod) => Object.keys(method.requestShape.fields).length > 0;

describe.each(methods.map((method) => [method.name, method] as const))('%s', (_, method) => {
  it(
    'should answer malformed bytes with a proper status',
    async () => {
      expect(await improperAnswers(method, [...fixedMalformed, ...hostileTimestamps(method)])).toEqual([]);
      await fc.assert(
        fc.asyncProperty(malformedRequest(method), fc.constantFrom(admin, everyRole), async ({ bytes }, metadata) => {
          expectProper(method, await call(method, bytes, metadata), bytes, metadata);
        }),
        assertOptions(profile.malformed),
      );
    },
    profile.timeLimitMs * 2 + 30_000,
  );

  it(
    'should answer random well-typed messages with a proper status',
    async () => {
      const oversized = oversizedMessages(method.requestShape).map(({ what, message }) => ({
        what,
        bytes: method.request.encode(method.request.fromPartial(message)).finish(),
      }));
      expect(await improperAnswers(method, oversized)).toEqual([]);
      await fc.assert(
        fc.asyncProperty(
          messageArbitrary(method.requestShape, { dictionary }),
          wellFormedCaller(),
          async (message, metadata) => {
            const bytes = method.request.encode(method.request.fromPartial(message)).finish();
            expectProper(method, await call(method, bytes, metadata), bytes, metadata);
          },
        ),
        assertOptions(hasFields(method) ? profile.typed : Math.ceil(profile.typed / 4)),
      );
    },
    profile.timeLimitMs * 2 + 30_000,
  );

  it(
    'should answer odd caller metadata with a proper status',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          messageArbitrary(method.requestShape, { dictionary }, true),
          oddCaller(),
          async (message, metadata) => {
            const bytes = method.request.encode(method.request.fromPartial(message)).finish();
            expectProper(method, await call(method, bytes, metadata), bytes, metadata);
          },
        ),
        assertOptions(profile.metadata),
      );
    },
    profile.timeLimitMs * 2 + 30_000,
  );

  it('should answer gRPC framing no client sends with a proper status', async () => {
    const { process: child } = serviceOf(method);
    const empty = new Uint8Array();
    const cases: Array<{ what: string; body: Uint8Array; headers?: Record<string, string>; expected: GrpcStatus[] }> = [
      { what: 'no message at all', body: empty, expected: [GrpcStatus.UNIMPLEMENTED] },
      {
        what: 'two messages to a unary method',
        body: Uint8Array.from([...grpcFrame(empty), ...grpcFrame(empty)]),
        expected: [GrpcStatus.UNIMPLEMENTED],
      },
      {
        what: 'a length prefix longer than the message',
        body: grpcFrame(Uint8Array.of(0x0a, 0x00), { length: 100 }),
        expected: [GrpcStatus.UNIMPLEMENTED],
      },
      {
        what: 'a length prefix of 2^32-1',
        body: grpcFrame(empty, { length: 2 ** 32 - 1 }),
        expected: [GrpcStatus.RESOURCE_EXHAUSTED],
      },
      {
        // The one INTERNAL allowed: grpc-js answers it before any service code runs, as the gRPC
        // status code table prescribes ("could not decompress, but compression algorithm supported").
        what: 'gzip garbage',
        body: grpcFrame(Uint8Array.of(1, 2, 3, 4), { compressed: true }),
        headers: { 'grpc-encoding': 'gzip' },
        expected: [GrpcStatus.INTERNAL],
      },
      {
        what: 'an unknown compression',
        body: grpcFrame(Uint8Array.of(1, 2, 3), { compressed: true }),
        headers: { 'grpc-encoding': 'fuzz' },
        expected: [GrpcStatus.UNIMPLEMENTED],
      },
      {
        what: 'the compressed flag without an encoding',
        body: grpcFrame(empty, { compressed: true }),
        expected: [...properCodes],
      },
    ];
    const improper: string[] = [];
    for (const { what, body, headers, expected } of cases) {
      const answer = await callFramed(child.grpcPort ?? 0, method.path, body, {
        headers: { ...Object.fromEntries(admin.entries as Array<[string, string]>), ...headers },
        timeoutMs: deadlineMs,
      });
      if (answer.code === undefined || !expected.includes(answer.code)) {
        improper.push(
          `${what}: ${statusName(answer.code)} "${answer.details}" (HTTP ${answer.httpStatus}) ${answer.error ?? ''}`,
        );
      }
    }
    expect(improper).toEqual([]);
  });
});

describe('after the fuzzing', () => {
  it('should leave every service alive, healthy and without an unhandled failure', async () => {
    for (const [service, { process: child, client, alarms }] of running) {
      expect(child.exitStatus, `${service} exited:\n${child.output().split('\n').slice(-30).join('\n')}`).toBe(
        undefined,
      );
      const health = await fetch(`http://127.0.0.1:${child.opsPort}/healthz`);
      expect(health.status, `${service} /healthz`).toBe(200);
      expect(await healthServing(client), `${service} grpc.health.v1 Check`).toBe(true);
      expect(alarms, `${service} wrote of unhandled failures`).toEqual([]);
    }
    expect([...running.keys()].sort()).toEqual([...serviceNames].sort());
  });
});
