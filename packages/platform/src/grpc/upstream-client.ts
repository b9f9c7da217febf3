import type { Client, ServiceDefinition } from '@grpc/grpc-js';
import { callUnary, type UnaryMethod } from './client.js';
import type { CallContext } from './context.js';

/**
 * A generated gRPC client as promise methods: each takes the request message and the caller's
 * context, and answers the response message or rejects with the AppError the called service
 * threw (UPSTREAM_UNAVAILABLE / UPSTREAM_TIMEOUT when it did not answer). Streaming methods and
 * grpc-js' own client methods are left out.
 */
export type UpstreamClient<C> = {
  [K in keyof C as C[K] extends UnaryMethod<infer _Req, infer _Res> ? K : never]: C[K] extends UnaryMethod<
    infer Req,
    infer Res
  >
    ? (request: Req, context: CallContext) => Promise<Res>
    : never;
};

/**
 * The one way a service calls another: every unary method of a generated client (ts-proto,
 * `outputServices=grpc-js`) with the deadline applied to each call, the caller context sent as
 * metadata, and errors mapped back to AppErrors (callUnary).
 */
export function upstreamClient<C extends Client>(client: C, options: { deadlineMs: number }): UpstreamClient<C> {
  // makeGenericClientConstructor keeps the service definition on the constructor: the method
  // names and whether each streams, which the client's type alone does not carry at run time.
  const definition = (client.constructor as { service?: ServiceDefinition }).service;
  if (!definition) throw new Error('upstreamClient needs a client made by makeGenericClientConstructor');
  const promised = Object.entries(definition)
    .filter(([, method]) => !method.requestStream && !method.responseStream)
    .map(([name]) => {
      const method: unknown = Reflect.get(client, name);
      if (typeof method !== 'function') throw new Error(`the client has no method ${name}`);
      const bound: UnaryMethod<unknown, unknown> = method.bind(client);
      return [name, (request: unknown, context: CallContext) => callUnary(bound, request, context, options.deadlineMs)];
    });
  // The mapped type above states what this table holds; it is built from the same definition.
  return Object.fromEntries(promised) as UpstreamClient<C>;
}
