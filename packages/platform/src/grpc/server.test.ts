import {
  type Client,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceDefinition,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import type { UnaryMethod } from './client.js';
import { createGrpcServer, type GrpcServer, unaryHandler } from './server.js';
import { upstreamClient } from './upstream-client.js';

/*
 * A real server and client on loopback: what grpc-js accepts on the wire is what matters here,
 * not what a hand-made status object looks like.
 */

interface Echo {
  text: string;
  /** How the handler should fail, if at all. */
  fail?: 'app-error' | 'type-error' | 'sync-throw' | 'bad-code' | 'unserialisable' | 'non-error' | 'huge';
}

const json = {
  serialize: (value: unknown) => {
    if (typeof value === 'object' && value !== null && 'unserialisable' in value) throw new Error('cannot encode');
    return Buffer.from(JSON.stringify(value));
  },
  deserialize: (bytes: Buffer) => JSON.parse(bytes.toString('utf8')),
};

const definition = {
  echo: {
    path: '/balai.test.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
} satisfies ServiceDefinition;

function handle(request: Echo): Promise<{ text: string } | { unserialisable: true }> {
  switch (request.fail) {
    case 'app-error':
      return Promise.reject(
        new AppError('VALIDATION_FAILED', `Tidak valid: ${request.text}`, [
          { field: `/${request.text}`, message: `digits 7–12 ${request.text}` },
        ]),
      );
    case 'type-error':
      return Promise.reject(new TypeError(`boom ${request.text}`));
    case 'sync-throw':
      throw new AppError('FORBIDDEN', `Dilarang ${request.text}`);
    case 'bad-code':
      return Promise.reject(AppError.received(`KODE ${request.text}`, request.text));
    case 'unserialisable':
      return Promise.resolve({ unserialisable: true });
    case 'non-error':
      return Promise.reject(request.text);
    case 'huge':
      // A validator that echoes its input and reports one detail per item of a long list.
      return Promise.reject(
        new AppError(
          'VALIDATION_FAILED',
          `No such thing: ${request.text}`,
          Array.from({ length: 5000 }, (_, index) => ({ field: `/items/${index}`, message: request.text })),
        ),
      );
    default:
      return Promise.resolve({ text: request.text });
  }
}

/** The same method, sent raw bytes: what a broken or hostile client puts on the wire. */
const rawDefinition = {
  echo: { ...definition.echo, requestSerialize: (bytes: Buffer) => bytes },
} satisfies ServiceDefinition;

let server: GrpcServer;
/** The echo method as a generated client has it. */
type EchoMethod<Req> = UnaryMethod<Req, { text: string }>;
let rawClient: Client & { echo: EchoMethod<Buffer> };
let client: Client & { echo: EchoMethod<Echo> };
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = createGrpcServer({ host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
  server.add(definition, { echo: unaryHandler(pino({ level: 'silent' }), handle) });
  const port = await server.start();
  const Constructor = makeGenericClientConstructor(definition, 'Echo');
  client = new Constructor(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as typeof client;
  const RawConstructor = makeGenericClientConstructor(rawDefinition, 'Echo');
  rawClient = new RawConstructor(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as typeof rawClient;
});

afterAll(async () => {
  client?.close();
  rawClient?.close();
  await server?.stop(100);
  process.off('unhandledRejection', onUnhandled);
});

afterEach(() => {
  expect(unhandled).toEqual([]);
});

const call = (request: Echo) =>
  upstreamClient(client, { deadlineMs: 5000 }).echo(request, { tenantId: '36.73', requestId: 'r-1', roles: [] });

const rawCall = (request: Echo) =>
  new Promise<ServiceError>((resolve, reject) => {
    client.echo(request, new Metadata(), {}, (error: ServiceError | null) =>
      error ? resolve(error) : reject(new Error('the call succeeded')),
    );
  });

/** Text grpc-js refuses in ordinary metadata, or that encodeURI refuses in the status message. */
const hostileTexts = [
  'digits 7–12',
  'Jalan Raya Sudirman, Kecamatan Cipocok Jaya — RT 02/RW 05',
  'café ünïcödé',
  'emoji 🚧🕳️',
  'बाली',
  'lone surrogate \uD800 here',
  'line\nbreak\r\tand NUL \u0000',
  '%E0%A4%A and % signs',
];

describe('unaryHandler', () => {
  it.each(hostileTexts)(
    'should carry a domain error with %j in its message and details across the wire',
    async (text) => {
      const error = await call({ text, fail: 'app-error' }).catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', message: `Tidak valid: ${text}`.toWellFormed() });
      expect((error as AppError).details).toEqual([
        { field: `/${text}`.toWellFormed(), message: `digits 7–12 ${text}`.toWellFormed() },
      ]);
    },
  );

  it('should answer INTERNAL, without the message, for an unexpected error', async () => {
    const error = await rawCall({ text: 'rahasia é', fail: 'type-error' });
    expect(error.code).toBe(status.INTERNAL);
    expect(error.details).toBe('Internal error');
  });

  it('should answer a handler that throws before its first await like one that rejects', async () => {
    const error = await call({ text: 'ñ', fail: 'sync-throw' }).catch((failure: unknown) => failure);
    expect(error).toMatchObject({ code: 'FORBIDDEN', message: 'Dilarang ñ' });
  });

  it('should answer INTERNAL for an error code that is not a legal code', async () => {
    const error = await rawCall({ text: 'é', fail: 'bad-code' });
    expect(error.code).toBe(status.INTERNAL);
  });

  it('should answer INTERNAL when something other than an Error is thrown', async () => {
    const error = await rawCall({ text: 'ø', fail: 'non-error' });
    expect(error.code).toBe(status.INTERNAL);
  });

  it('should answer INTERNAL when the response cannot be serialised', async () => {
    const error = await rawCall({ text: 'x', fail: 'unserialisable' });
    expect(error.code).toBe(status.INTERNAL);
  });

  it('should answer INVALID_ARGUMENT, not INTERNAL, to bytes that do not decode', async () => {
    const error = await new Promise<ServiceError>((resolve, reject) => {
      rawClient.echo(Buffer.from([0x0f, 0x00, 0xff]), new Metadata(), {}, (failure: ServiceError | null) =>
        failure ? resolve(failure) : reject(new Error('the call succeeded')),
      );
    });
    expect(error.code).toBe(status.INVALID_ARGUMENT);
  });

  it('should bound an error that echoes a long input and lists thousands of details', async () => {
    const error = await call({ text: 'x'.repeat(100_000), fail: 'huge' }).catch((failure: unknown) => failure);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const { message, details } = error as AppError;
    expect(message.length).toBeLessThanOrEqual(1001);
    expect(details).toHaveLength(21);
    expect(details.at(-1)).toEqual({ message: 'and 4980 more' });
    expect(details.every((detail) => detail.message.length <= 301)).toBe(true);
  });

  it('should keep serving after all of the above', async () => {
    await expect(call({ text: 'masih hidup — still up' })).resolves.toEqual({ text: 'masih hidup — still up' });
  });
});
