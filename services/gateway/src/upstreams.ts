import { analyticsV1, complaintsV1, identityV1, permitsV1 } from '@balai/contracts';
import { createGrpcClient } from '@balai/platform';
import type { GatewayConfig } from './config.js';

/** The gRPC clients of the services behind the gateway; one channel each. */
export interface Upstreams {
  identity: identityV1.IdentityServiceClient;
  complaints: complaintsV1.ComplaintsServiceClient;
  permits: permitsV1.PermitsServiceClient;
  analytics: analyticsV1.AnalyticsServiceClient;
  deadlineMs: number;
  close(): void;
}

export function createUpstreams(config: GatewayConfig): Upstreams {
  const clients = {
    identity: createGrpcClient(identityV1.IdentityServiceClient, config.IDENTITY_GRPC_TARGET),
    complaints: createGrpcClient(complaintsV1.ComplaintsServiceClient, config.COMPLAINTS_GRPC_TARGET),
    permits: createGrpcClient(permitsV1.PermitsServiceClient, config.PERMITS_GRPC_TARGET),
    analytics: createGrpcClient(analyticsV1.AnalyticsServiceClient, config.ANALYTICS_GRPC_TARGET),
  };
  return {
    ...clients,
    deadlineMs: config.GRPC_DEADLINE_MS,
    close() {
      for (const client of Object.values(clients)) client.close();
    },
  };
}
