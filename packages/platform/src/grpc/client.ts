import {
  type CallOptions,
  type ChannelCredentials,
  type Client,
  type ClientOptions,
  type ClientUnaryCall,
  credentials,
  type Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { type CallContext, contextToMetadata } from './context.js';
import { fromGrpcError } from './status.js';

type ClientConstructor<C extends Client> = new (
  address: string,
  credentials: ChannelCredentials,
  options?: Partial<ClientOptions>,
) => C;

/** One channel per target, with keepalive so a restarted peer is noticed quickly. */
export function createGrpcClient<C extends Client>(Constructor: ClientConstructor<C>, address: string): C {
  return new Constructor(address, credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 5_000,
    'grpc.enable_retries': 1,
  });
}

/** A generated client's unary method, as its longest overload (the one with call options). */
export type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

/**
 * Calls a unary method with a deadline and the caller context as metadata. A failure comes
 * back as the AppError the called service threw (or UPSTREAM_UNAVAILABLE/UPSTREAM_TIMEOUT).
 */
export function callUnary<Req, Res>(
  method: UnaryMethod<Req, Res>,
  request: Req,
  context: CallContext,
  deadlineMs: number,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, contextToMetadata(context), { deadline: Date.now() + deadlineMs }, (error, response) => {
      if (error) reject(fromGrpcError(error));
      else resolve(response);
    });
  });
}
