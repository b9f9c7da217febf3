import type { IncomingMessage, ServerResponse } from 'node:http';
import { OTLPMetricExporter as OtlpGrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as OtlpJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OtlpProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { type MetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace';
import Type, { type Static } from 'typebox';
import { loadConfig } from '../config.js';

/**
 * The standard OTEL_* variables Balai looks at to decide what to export. Everything else the
 * SDK and its exporters read themselves (endpoints, headers, sampler, batch sizes).
 */
export const telemetryConfigSchema = Type.Object({
  OTEL_SDK_DISABLED: Type.Boolean({ default: false }),
  OTEL_SERVICE_NAME: Type.Optional(Type.String({ minLength: 1 })),
  OTEL_TRACES_EXPORTER: Type.Optional(Type.String()),
  OTEL_METRICS_EXPORTER: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_PROTOCOL: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: Type.Optional(Type.String()),
});
export type TelemetryConfig = Static<typeof telemetryConfigSchema>;

export interface ExportPlan {
  /** Hand span export to the SDK's own OTEL_TRACES_EXPORTER handling. */
  traces: boolean;
  /** Push metrics over OTLP with this protocol (the Prometheus endpoint is always served). */
  metrics: 'grpc' | 'http/json' | 'http/protobuf' | undefined;
}

function exporters(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/**
 * Nothing leaves the process unless an operator asked for it: an exporter named in
 * OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER, or an OTLP endpoint set. (The SDK on its own
 * would default to OTLP on localhost.)
 */
export function exportPlan(config: TelemetryConfig): ExportPlan {
  const traceExporters = exporters(config.OTEL_TRACES_EXPORTER);
  const traces =
    traceExporters.length > 0
      ? !traceExporters.includes('none')
      : Boolean(config.OTEL_EXPORTER_OTLP_ENDPOINT || config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const metricExporters = exporters(config.OTEL_METRICS_EXPORTER);
  const otlpMetrics =
    metricExporters.length > 0
      ? metricExporters.includes('otlp')
      : Boolean(config.OTEL_EXPORTER_OTLP_ENDPOINT || config.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT);
  const protocol = (config.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? config.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  const metrics = !otlpMetrics
    ? undefined
    : protocol === 'grpc' || protocol === 'http/json'
      ? protocol
      : 'http/protobuf';
  return { traces, metrics };
}

/** `services/<name>/dist/main.js` → `balai-<name>`, unless OTEL_SERVICE_NAME says otherwise. */
export function serviceNameOf(config: TelemetryConfig, entryPoint = process.argv[1] ?? ''): string {
  if (config.OTEL_SERVICE_NAME) return config.OTEL_SERVICE_NAME;
  const service = /services\/([^/]+)\//.exec(entryPoint.replaceAll('\\', '/'))?.[1];
  return service ? `balai-${service}` : 'balai';
}

let prometheus: PrometheusExporter | undefined;
let running: NodeSDK | undefined;

/** Flushes and stops the SDK if the bootstrap started it (runMain calls this before exiting). */
export async function stopTelemetry(): Promise<void> {
  const sdk = running;
  running = undefined;
  prometheus = undefined;
  await sdk?.shutdown();
}

/**
 * Serves the Prometheus text format of this process's metrics, or reports false when the
 * telemetry bootstrap was not loaded (then there are no metrics to serve).
 */
export function serveMetrics(request: IncomingMessage, response: ServerResponse): boolean {
  if (!prometheus) return false;
  prometheus.getMetricsRequestHandler(request, response);
  return true;
}

function otlpMetricReader(protocol: NonNullable<ExportPlan['metrics']>): MetricReader {
  const exporter =
    protocol === 'grpc'
      ? new OtlpGrpcMetricExporter()
      : protocol === 'http/json'
        ? new OtlpJsonMetricExporter()
        : new OtlpProtoMetricExporter();
  return new PeriodicExportingMetricReader({ exporter });
}

/**
 * Starts the OpenTelemetry NodeSDK: HTTP, gRPC, MongoDB and Node runtime instrumentation, W3C trace context,
 * spans always created (so logs and events carry trace ids) but exported only when configured,
 * metrics served for Prometheus on the ops port and pushed over OTLP when configured.
 */
export function startTelemetry(env: Record<string, string | undefined> = process.env): NodeSDK | undefined {
  const config = loadConfig(telemetryConfigSchema, env);
  if (config.OTEL_SDK_DISABLED) return undefined;
  const plan = exportPlan(config);
  prometheus = new PrometheusExporter({ preventServerStart: true });
  const sdk = new NodeSDK({
    serviceName: serviceNameOf(config),
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes every few seconds would drown the traces that matter.
        ignoreIncomingRequestHook: (request) => /^\/(healthz|readyz|metrics)\b/.test(request.url ?? ''),
      }),
      new GrpcInstrumentation({ ignoreGrpcMethods: [/^Check$/, /^Watch$/] }),
      new MongoDBInstrumentation(),
      // Event-loop delay (p50/p90/p99/max) and utilisation, heap and GC: what a soak watches.
      new RuntimeNodeInstrumentation({ monitoringPrecision: 10 }),
    ],
    ...(plan.traces ? {} : { spanProcessors: [new NoopSpanProcessor()] }),
    metricReaders: plan.metrics ? [prometheus, otlpMetricReader(plan.metrics)] : [prometheus],
    // Logs go to stdout as JSON (with trace ids); no OTLP log export.
    logRecordProcessors: [],
  });
  sdk.start();
  running = sdk;
  return sdk;
}
