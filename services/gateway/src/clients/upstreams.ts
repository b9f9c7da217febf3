import { analyticsV1, complaintsV1, identityV1, permitsV1 } from '@balai/contracts';
import { createGrpcClient, type UpstreamClient, upstreamClient } from '@balai/platform';
import { connectivityState } from '@grpc/grpc-js';
import type { GatewayConfig } from '../config.js';

/** The generated gRPC clients of the services behind the gateway. */
export interface UpstreamGrpcClients {
  identity: identityV1.IdentityServiceClient;
  complaints: complaintsV1.ComplaintsServiceClient;
  permits: permitsV1.PermitsServiceClient;
  analytics: analyticsV1.AnalyticsServiceClient;
}

/**
 * The services behind the gateway as promise methods, `(request, callerContext) => response`,
 * with the deadline, the caller context as metadata and the error mapping built in. Routes reach
 * them as `app.upstreams`.
 */
export interface Upstreams {
  identity: UpstreamClient<identityV1.IdentityServiceClient>;
  complaints: UpstreamClient<complaintsV1.ComplaintsServiceClient>;
  permits: UpstreamClient<permitsV1.PermitsServiceClient>;
  analytics: UpstreamClient<analyticsV1.AnalyticsServiceClient>;
  /** False while a channel is failing to connect: the gateway is then not ready. */
  reachable(): boolean;
  close(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    upstreams: Upstreams;
  }
}

/** One channel per service, each call bounded by GRPC_DEADLINE_MS. */
export function createUpstreams(config: GatewayConfig): Upstreams {
  return upstreamsOver(
    {
      identity: createGrpcClient(identityV1.IdentityServiceClient, config.IDENTITY_GRPC_TARGET),
      complaints: createGrpcClient(complaintsV1.ComplaintsServiceClient, config.COMPLAINTS_GRPC_TARGET),
      permits: createGrpcClient(permitsV1.PermitsServiceClient, config.PERMITS_GRPC_TARGET),
      analytics: createGrpcClient(analyticsV1.AnalyticsServiceClient, config.ANALYTICS_GRPC_TARGET),
    },
    { deadlineMs: config.GRPC_DEADLINE_MS },
  );
}

/** The upstreams over the given clients (tests give clients that answer in-process). */
export function upstreamsOver(clients: UpstreamGrpcClients, options: { deadlineMs: number }): Upstreams {
  const all = Object.values(clients);
  return {
    identity: upstreamClient(clients.identity, options),
    complaints: upstreamClient(clients.complaints, options),
    permits: upstreamClient(clients.permits, options),
    analytics: upstreamClient(clients.analytics, options),
    reachable: () =>
      all.every((client) => client.getChannel().getConnectivityState(true) !== connectivityState.TRANSIENT_FAILURE),
    close() {
      for (const client of all) client.close();
    },
  };
}
