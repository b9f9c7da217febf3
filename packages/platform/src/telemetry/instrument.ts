/**
 * Loaded before a service's main module: `node --import @balai/platform/instrument dist/main.js`.
 * Instrumentation has to be in place before the HTTP, gRPC and MongoDB libraries are loaded;
 * runMain flushes and stops the SDK when the service stops.
 */
import { register } from 'node:module';
import { startTelemetry } from './sdk.js';

// Services import their libraries as ES modules, which require() hooks do not see: this loader
// hook lets the instrumentations patch them (without it @grpc/grpc-js went untraced).
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
startTelemetry();
