import {
  status as GrpcStatus,
  type handleUnaryCall,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from '../logger.js';
import { recordGrpcServerCall } from '../telemetry/metrics.js';
import { type CallContext, contextFromMetadata } from './context.js';
import { toGrpcStatus } from './status.js';

export interface GrpcServer {
  readonly server: Server;
  readonly health: HealthImplementation;
  add<I extends UntypedServiceImplementation>(definition: ServiceDefinition<I>, implementation: I): void;
  /** Binds and starts; resolves to the bound port (useful with port 0 in tests). */
  start(): Promise<number>;
  /** Refuses new calls, lets running ones finish for up to graceMs, then forces. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * One gRPC server per service, with grpc.health.v1 and structured error mapping. The overall
 * health status ('') reports NOT_SERVING until markServing() is called through `health`.
 */
export function createGrpcServer(options: { host: string; port: number; logger: Logger }): GrpcServer {
  const server = new Server({ 'grpc.max_receive_message_length': 4 * 1024 * 1024 });
  const health = new HealthImplementation({ '': 'NOT_SERVING' });
  health.addToServer(server);
  return {
    server,
    health,
    add(definition, implementation) {
      server.addService(definition, implementation);
    },
    start() {
      return new Promise((resolve, reject) => {
        server.bindAsync(`${options.host}:${options.port}`, ServerCredentials.createInsecure(), (error, port) => {
          if (error) {
            reject(new Error(`gRPC cannot listen on ${options.host}:${options.port}: ${error.message}`));
            return;
          }
          options.logger.info({ port }, 'gRPC server listening');
          resolve(port);
        });
      });
    },
    stop(graceMs = 5000) {
      health.setStatus('', 'NOT_SERVING');
      return new Promise((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}

/**
 * Wraps a use-case call as a unary handler: decodes the caller context from metadata (the trace
 * context is the call's span when telemetry runs), maps AppErrors to gRPC status codes, logs
 * unexpected failures without sending them out, and records the call's duration and status.
 */
export function unaryHandler<Req, Res>(
  logger: Logger,
  handle: (request: Req, context: CallContext) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    const started = performance.now();
    const method = call.getPath();
    const context = contextFromMetadata(call.metadata);
    handle(call.request, context).then(
      (response) => {
        recordGrpcServerCall(method, GrpcStatus.OK, (performance.now() - started) / 1000);
        callback(null, response);
      },
      (error: unknown) => {
        const status = toGrpcStatus(error);
        if (status.code === GrpcStatus.INTERNAL)
          logger.error({ err: error, path: method, requestId: context.requestId }, 'gRPC call failed');
        recordGrpcServerCall(method, status.code ?? GrpcStatus.UNKNOWN, (performance.now() - started) / 1000);
        callback(status, null);
      },
    );
  };
}
