import {
  status as GrpcStatus,
  type handleUnaryCall,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type StatusObject,
  type sendUnaryData,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { recordGrpcServerCall } from '../telemetry/metrics.js';
import { type CallContext, contextFromMetadata } from './context.js';
import { internalStatus, toGrpcStatus } from './status.js';

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
      server.addService(tolerantDecoding(definition), implementation);
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
 * A request message that could not be decoded. grpc-js decodes before any handler runs and
 * answers INTERNAL when the decoder throws; the request is the caller's mistake, so the decoder
 * hands this on instead and `unaryHandler` answers INVALID_ARGUMENT.
 */
export class UndecodableRequest {
  constructor(readonly reason: string) {}
}

function tolerantDecoding<I extends UntypedServiceImplementation>(
  definition: ServiceDefinition<I>,
): ServiceDefinition<I> {
  const methods = Object.entries(definition).map(([name, method]) => {
    const decode = method.requestDeserialize;
    const requestDeserialize = (bytes: Buffer) => {
      try {
        return decode(bytes);
      } catch (error) {
        return new UndecodableRequest(error instanceof Error ? error.message : String(error));
      }
    };
    return [name, { ...method, requestDeserialize }];
  });
  return Object.fromEntries(methods) as ServiceDefinition<I>;
}

/**
 * Wraps a use-case call as a unary handler: decodes the caller context from metadata (the trace
 * context is the call's span when telemetry runs), maps AppErrors to gRPC status codes, logs
 * unexpected failures without sending them out, and records the call's duration and status.
 *
 * It cannot throw, and every call ends with exactly one answer: a failure anywhere (reading the
 * metadata, the use case, mapping its error, even serialising the response) ends the call with a
 * status, and one that happens while answering becomes INTERNAL, logged once.
 */
export function unaryHandler<Req, Res>(
  logger: Logger,
  handle: (request: Req, context: CallContext) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    const started = performance.now();
    const method = call.getPath();
    let answered = false;
    let requestId: string | undefined;
    const answer = (error: Partial<StatusObject> | null, response: Res | null, code: GrpcStatus) => {
      if (answered) return;
      answered = true;
      try {
        callback(error, response);
      } catch (failure) {
        logger.error({ err: failure, path: method, requestId }, 'gRPC answer could not be sent; answering INTERNAL');
        code = GrpcStatus.INTERNAL;
        try {
          callback(internalStatus, null);
        } catch {
          // The call is gone (cancelled, or grpc-js already ended it): nothing is left to answer.
        }
      }
      recordGrpcServerCall(method, code, (performance.now() - started) / 1000);
    };
    const fail = (error: unknown) => {
      let status: ReturnType<typeof toGrpcStatus>;
      try {
        status = toGrpcStatus(error);
        if (status.code === GrpcStatus.INTERNAL)
          logger.error({ err: error, path: method, requestId }, 'gRPC call failed');
      } catch (failure) {
        logger.error({ err: failure, cause: error, path: method, requestId }, 'gRPC error could not be mapped');
        status = internalStatus;
      }
      answer(status, null, status.code);
    };
    try {
      const context = contextFromMetadata(call.metadata);
      requestId = context.requestId;
      if ((call.request as unknown) instanceof UndecodableRequest) {
        fail(new AppError('VALIDATION_FAILED', 'The request message is not a valid protobuf encoding of its type'));
        return;
      }
      // Promise.resolve().then: a handler that throws before its first await fails the same way.
      Promise.resolve()
        .then(() => handle(call.request, context))
        .then((response) => answer(null, response, GrpcStatus.OK), fail)
        .catch(fail);
    } catch (error) {
      fail(error);
    }
  };
}
