import {
  type CallOptions,
  type ChannelCredentials,
  type Client,
  type ClientUnaryCall,
  credentials,
  type Metadata,
  makeGenericClientConstructor,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { createGrpcServer, type GrpcServer, unaryHandler } from './server.js';
import { upstreamClient } from './upstream-client.js';

/* A real server on loopback and a client shaped like the ones ts-proto generates. */

interface Greeting {
  name: string;
  /** How long the handler waits before answering, to reach the deadline. */
  delayMs?: number;
}

const json = {
  serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer) => JSON.parse(bytes.toString('utf8')),
};
const method = (path: string, responseStream: boolean) => ({
  path,
  requestStream: false,
  responseStream,
  requestSerialize: json.serialize,
  requestDeserialize: json.deserialize,
  responseSerialize: json.serialize,
  responseDeserialize: json.deserialize,
});
const definition = {
  greet: method('/balai.test.Greeter/Greet', false),
  greetEveryone: method('/balai.test.Greeter/GreetEveryone', true),
} satisfies ServiceDefinition;

/** What ts-proto writes for this service (the longest overload of each method is what counts). */
interface GreeterClient extends Client {
  greet(
    request: Greeting,
    metadata: Metadata,
    options: Partial<CallOptions>,
    callback: (error: ServiceError | null, response: { text: string; tenantId: string; roles: string[] }) => void,
  ): ClientUnaryCall;
  greetEveryone(request: Greeting, metadata?: Metadata, options?: Partial<CallOptions>): unknown;
}
const GreeterConstructor = makeGenericClientConstructor(definition, 'Greeter') as unknown as new (
  address: string,
  channelCredentials: ChannelCredentials,
) => GreeterClient;

let server: GrpcServer;
let client: GreeterClient;
const logger = pino({ level: 'silent' });
const context = { tenantId: '36.73', requestId: 'r-1', roles: ['officer'] };

beforeAll(async () => {
  server = createGrpcServer({ host: '127.0.0.1', port: 0, logger });
  server.add(definition, {
    greet: unaryHandler(logger, async (request: Greeting, caller) => {
      if (request.name === '') throw new AppError('VALIDATION_FAILED', 'A name is needed');
      await new Promise((resolve) => setTimeout(resolve, request.delayMs ?? 0));
      return { text: `Halo, ${request.name}`, tenantId: caller.tenantId, roles: caller.roles };
    }),
    greetEveryone: () => undefined,
  });
  const port = await server.start();
  client = new GreeterConstructor(`127.0.0.1:${port}`, credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await server?.stop(100);
});

describe('upstreamClient', () => {
  it('should answer the response message and send the caller context', async () => {
    const greeter = upstreamClient(client, { deadlineMs: 5000 });
    await expect(greeter.greet({ name: 'Siti' }, context)).resolves.toEqual({
      text: 'Halo, Siti',
      tenantId: '36.73',
      roles: ['officer'],
    });
  });

  it('should reject with the AppError the called service threw', async () => {
    const greeter = upstreamClient(client, { deadlineMs: 5000 });
    const error = await greeter.greet({ name: '' }, context).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'A name is needed' });
  });

  it('should give up at the deadline with UPSTREAM_TIMEOUT', async () => {
    const greeter = upstreamClient(client, { deadlineMs: 50 });
    const error = await greeter.greet({ name: 'Budi', delayMs: 1000 }, context).catch((failure: unknown) => failure);
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
  });

  it('should offer only the unary methods, typed by the generated client', () => {
    const greeter = upstreamClient(client, { deadlineMs: 5000 });
    expect(Object.keys(greeter)).toEqual(['greet']);
    // @ts-expect-error a streaming method is not a promise method
    expect(greeter.greetEveryone).toBeUndefined();
    // @ts-expect-error grpc-js' own client methods are not upstream calls
    expect(greeter.close).toBeUndefined();
    // @ts-expect-error the request is the generated message, not any object
    void (() => greeter.greet({ nom: 'Siti' }, context));
  });
});
