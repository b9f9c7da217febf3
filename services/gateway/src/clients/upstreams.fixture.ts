import { analyticsV1, complaintsV1, identityV1, permitsV1 } from '@balai/contracts';
import { AppError, contextFromMetadata, toGrpcStatus } from '@balai/platform';
import { type Client, type Metadata, type ServiceDefinition, status } from '@grpc/grpc-js';
import { type UpstreamGrpcClients, type Upstreams, upstreamsOver } from './upstreams.js';

/**
 * A stand-in for one service: any object whose methods answer as a generated client's do,
 * `(request, metadata, options, callback)`. Only the methods a test calls need to exist.
 */
export type FakeService = object;

export type FakeServices = { [Service in keyof UpstreamGrpcClients]: FakeService };

/**
 * A service's gRPC client as a fake: records each call with its caller context and answers what
 * the test set for the method (an AppError answers as its gRPC status; nothing set answers {}).
 */
export function fakeGrpcClient() {
  const calls: Array<{ method: string; request: unknown; context: ReturnType<typeof contextFromMetadata> }> = [];
  const answers = new Map<string, unknown>();
  const client: FakeService = new Proxy(
    {},
    {
      get:
        (_target, method: string) =>
        (request: unknown, metadata: Metadata, _options: unknown, callback: (e: unknown, r?: unknown) => void) => {
          calls.push({ method, request, context: contextFromMetadata(metadata) });
          const answer = answers.get(method);
          if (answer instanceof AppError) callback(Object.assign(new Error(answer.message), toGrpcStatus(answer)));
          else callback(null, answer ?? {});
        },
    },
  );
  return { client, calls, answers };
}

/** A service whose every call fails as UNAVAILABLE: a request that reaches it was let through. */
function unavailableService(): FakeService {
  return new Proxy(
    {},
    {
      get:
        () =>
        (...args: unknown[]) => {
          const callback = args.at(-1) as (error: Error) => void;
          callback(Object.assign(new Error('service down'), { code: status.UNAVAILABLE, details: 'down' }));
        },
    },
  );
}

/**
 * The gateway's upstreams over fakes, through the same upstreamClient as in production (so the
 * caller context goes through metadata and errors through the gRPC status mapping). Services
 * `fakes` leaves out are down.
 */
export function fakeUpstreams(fakes: Partial<FakeServices> = {}): Upstreams {
  const service = (name: keyof FakeServices) => fakes[name] ?? {};
  const clients: UpstreamGrpcClients = {
    identity: answeredBy(identityV1.IdentityServiceClient, service('identity')),
    complaints: answeredBy(complaintsV1.ComplaintsServiceClient, service('complaints')),
    permits: answeredBy(permitsV1.PermitsServiceClient, service('permits')),
    analytics: answeredBy(analyticsV1.AnalyticsServiceClient, service('analytics')),
  };
  return { ...upstreamsOver(clients, { deadlineMs: 1000 }), reachable: () => true, close() {} };
}

/**
 * A generated client without a channel: its prototype still carries the service definition
 * upstreamClient reads the method names from; each method is the fake's, or, where the fake has
 * none, one that fails as the service being down.
 */
function answeredBy<C extends Client>(
  Generated: { new (...args: never[]): C; service: ServiceDefinition },
  fake: FakeService,
): C {
  const client: C = Object.create(Reflect.get(Generated, 'prototype'));
  const down = unavailableService();
  for (const method of Object.keys(Generated.service)) {
    Object.defineProperty(client, method, { value: Reflect.get(fake, method) ?? Reflect.get(down, method) });
  }
  return client;
}
