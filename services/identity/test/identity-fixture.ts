import { identityV1 } from '@balai/contracts';
import { AppError, type CallContext, createGrpcClient, type UpstreamClient, upstreamClient } from '@balai/platform';
import { infrastructureEndpoints, type TestNamespace } from '@balai/testkit';
import { MongoClient } from 'mongodb';
import { loadIdentityConfig, type NotificationMessage, type NotificationSender, startIdentity } from '../src/index.js';

/** Keeps every message identity sends, for the test to read the codes from. */
export class CapturingSender implements NotificationSender {
  readonly messages: NotificationMessage[] = [];

  async send(message: NotificationMessage): Promise<void> {
    this.messages.push(message);
  }

  /** The messages sent to one address or number. */
  to(recipient: string): NotificationMessage[] {
    return this.messages.filter((message) => message.to === recipient);
  }

  /** The code of the last message with a code to the recipient. */
  lastCode(recipient: string): string {
    const code = this.to(recipient)
      .filter((message) => message.params.code !== undefined)
      .at(-1)?.params.code;
    if (!code) throw new Error(`no code was sent to ${recipient}`);
    return code;
  }
}

/** The AppError a call failed with; a call that succeeds or fails otherwise fails the test. */
export async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

type Identity = UpstreamClient<identityV1.IdentityServiceClient>;
/** The RPC names (camelCase), from the generated client. */
export type Rpc = keyof Identity;
export type RpcRequest<K extends Rpc> = Parameters<Identity[K]>[0];
export type RpcResponse<K extends Rpc> = Awaited<ReturnType<Identity[K]>>;
/** Each RPC as the fixture calls it: correlated by name, so `call` stays typed per method. */
type Calls = { [K in Rpc]: (request: RpcRequest<K>, context: CallContext) => Promise<RpcResponse<K>> };

/**
 * Identity started in-process on this file's database and topics, with a gRPC client; `env`
 * adds or overrides variables, `clock` replaces the clock.
 */
export async function startIdentityFor(
  ns: TestNamespace,
  sender: NotificationSender = new CapturingSender(),
  options: { env?: Record<string, string>; clock?: () => Date } = {},
) {
  const { kafkaBrokers, mongoUrl } = infrastructureEndpoints();
  const service = await startIdentity(
    loadIdentityConfig({
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      HTTP_PORT: '0',
      GRPC_PORT: '0',
      MONGO_URL: mongoUrl,
      MONGO_DB: ns.database('identity'),
      KAFKA_BROKERS: kafkaBrokers,
      KAFKA_TOPIC_PREFIX: ns.topicPrefix,
      OUTBOX_POLL_INTERVAL_MS: '200',
      SEED_DEMO_DATA: 'true',
      ...options.env,
    }),
    { notificationSender: sender, ...(options.clock ? { clock: options.clock } : {}) },
  );
  const client = createGrpcClient(identityV1.IdentityServiceClient, `127.0.0.1:${service.grpcPort}`);
  const identity: Calls = upstreamClient(client, { deadlineMs: 10_000 });
  const mongo = await MongoClient.connect(mongoUrl);
  const db = mongo.db(ns.database('identity'));
  let requests = 0;
  /** Calls an RPC as the given caller; failures come back as the AppError identity threw. */
  function call<K extends Rpc>(
    method: K,
    request: RpcRequest<K>,
    context: Partial<CallContext> & { tenantId: string },
  ): Promise<RpcResponse<K>> {
    requests += 1;
    const rpc: Calls[K] = identity[method];
    return rpc(request, { requestId: `r-${requests}`, roles: [], ...context });
  }
  return {
    service,
    client,
    db,
    call,
    async stop() {
      client.close();
      await mongo.close();
      await service.stop();
    },
  };
}
