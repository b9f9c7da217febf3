import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { exportPlan, serviceNameOf, telemetryConfigSchema } from './sdk.js';

const plan = (env: Record<string, string>) => exportPlan(loadConfig(telemetryConfigSchema, env));

describe('telemetry export plan', () => {
  it('should export nothing when no OTEL variable is set', () => {
    expect(plan({})).toEqual({ traces: false, metrics: undefined });
  });

  it('should export traces and metrics over OTLP when an OTLP endpoint is set', () => {
    expect(plan({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({
      traces: true,
      metrics: 'http/protobuf',
    });
  });

  it('should export only traces when only the traces endpoint is set', () => {
    expect(plan({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toEqual({
      traces: true,
      metrics: undefined,
    });
  });

  it('should follow the named exporters over the endpoints, and "none" turns one off', () => {
    expect(
      plan({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317',
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      }),
    ).toEqual({ traces: false, metrics: 'grpc' });
    expect(plan({ OTEL_TRACES_EXPORTER: 'console', OTEL_METRICS_EXPORTER: 'prometheus' })).toEqual({
      traces: true,
      metrics: undefined,
    });
  });

  it('should use the metrics protocol over the general one', () => {
    expect(
      plan({
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      }).metrics,
    ).toBe('http/json');
  });
});

describe('telemetry service name', () => {
  it('should name the service after its folder unless OTEL_SERVICE_NAME is set', () => {
    const config = loadConfig(telemetryConfigSchema, {});
    expect(serviceNameOf(config, '/app/services/complaints/dist/main.js')).toBe('balai-complaints');
    expect(serviceNameOf(config, '/somewhere/else.js')).toBe('balai');
    const named = loadConfig(telemetryConfigSchema, { OTEL_SERVICE_NAME: 'complaints-jabar' });
    expect(serviceNameOf(named, '/app/services/complaints/dist/main.js')).toBe('complaints-jabar');
  });
});
