import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { eventually, type ServiceProcess, startServiceProcess, testNamespace } from '@balai/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayEnv, serviceEnv, signInNewCitizen, startIdentityFor, type TestIdentity } from './helpers.js';

/*
 * The services run as their own processes, started the way operators start them (the
 * telemetry bootstrap loaded with --import), exporting spans over OTLP/HTTP JSON to a
 * collector this test runs.
 */

const ns = testNamespace(import.meta.filename);
/** The built bootstrap, as operators load it (the suite builds before it tests). */
const instrumentUrl = new URL('../../../packages/platform/dist/telemetry/instrument.js', import.meta.url);
const tenant = '36.73';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: { stringValue?: string; intValue?: string | number } }>;
}
interface CollectedSpan extends OtlpSpan {
  service: string;
}

const SPAN_KIND = { server: 2, client: 3, producer: 4, consumer: 5 } as const;

/** A minimal OTLP/HTTP JSON trace receiver: keeps every span it is sent, by service. */
function startCollector(): Promise<{ server: Server; url: string; spans: CollectedSpan[] }> {
  const spans: CollectedSpan[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans?: Array<{
          resource?: { attributes?: OtlpSpan['attributes'] };
          scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
        }>;
      };
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service =
          resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) spans.push({ ...span, service });
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}`, spans });
    });
  });
}

function attribute(span: OtlpSpan, key: string): string | undefined {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : String(value.intValue));
}

let collector: Awaited<ReturnType<typeof startCollector>>;
const gatewayDatabase = ns.database('gateway');
let complaints: ServiceProcess;
let analytics: ServiceProcess;
let gateway: ServiceProcess;
/** In-process, untraced: it only issues the citizen's token. */
let identity: TestIdentity;
let citizen: string;

beforeAll(async () => {
  collector = await startCollector();
  const telemetry = {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.url}/v1/traces`,
    OTEL_BSP_SCHEDULE_DELAY: '200',
    LOG_LEVEL: 'info',
  };
  const instrumented = ['--import', fileURLToPath(instrumentUrl)];
  [complaints, analytics, identity] = await Promise.all([
    startServiceProcess({
      service: 'complaints',
      env: { ...serviceEnv(ns, 'complaints'), ...telemetry },
      nodeArgs: instrumented,
    }),
    startServiceProcess({
      service: 'analytics',
      env: { ...serviceEnv(ns, 'analytics'), ...telemetry },
      nodeArgs: instrumented,
    }),
    startIdentityFor(ns),
  ]);
  gateway = await startServiceProcess({
    service: 'gateway',
    env: {
      ...gatewayEnv({ complaints: complaints.grpcPort, analytics: analytics.grpcPort }, identity),
      MONGO_DB: gatewayDatabase,
      ...telemetry,
    },
    nodeArgs: instrumented,
  });
  citizen = (await signInNewCitizen(`http://127.0.0.1:${gateway.httpPort}`, identity, tenant)).accessToken;
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([complaints?.stop(), analytics?.stop(), identity?.service.stop()]);
  await new Promise((resolve) => collector?.server.close(resolve));
});

describe('telemetry: one trace from the gateway request to the analytics consumer', () => {
  const traceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');

  it('should export a trace that follows the request through gRPC, the outbox and Kafka into the consumer', async () => {
    const response = await fetch(`http://127.0.0.1:${gateway.httpPort}/v1/complaints`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${citizen}`,
        traceparent: `00-${traceId}-${callerSpanId}-01`,
      },
      body: JSON.stringify({
        categoryCode: 'roads.pothole',
        description: 'Lampu jalan mati di Jalan Veteran',
        latitude: -6.1187,
        longitude: 106.1522,
      }),
    });
    expect(response.status).toBe(201);

    const trace = () => collector.spans.filter((span) => span.traceId === traceId);
    const consumerSpan = await eventually(
      async () => trace().find((span) => span.service === 'balai-analytics' && span.kind === SPAN_KIND.consumer),
      { timeoutMs: 30_000, what: 'the analytics consumer span' },
    );

    // Each service exports in its own batches: wait until the chain reaches the caller's span.
    const chain = () => {
      const byId = new Map(trace().map((span) => [span.spanId, span]));
      const found: CollectedSpan[] = [];
      for (let span: CollectedSpan | undefined = consumerSpan; span; span = byId.get(span.parentSpanId ?? '')) {
        found.push(span);
      }
      return found;
    };
    const ancestry = await eventually(
      async () => {
        const found = chain();
        return found.at(-1)?.parentSpanId === callerSpanId ? found : undefined;
      },
      { timeoutMs: 30_000, what: "the chain of spans up to the caller's" },
    ).catch(() => chain());
    const spans = trace();
    const path = ancestry.map((span) => `${span.service}:${span.kind}`);
    // consumer ← publish (relay) ← gRPC server (the write) ← gRPC client ← HTTP server ← the caller.
    expect(path).toEqual([
      `balai-analytics:${SPAN_KIND.consumer}`,
      `balai-complaints:${SPAN_KIND.producer}`,
      `balai-complaints:${SPAN_KIND.server}`,
      `balai-gateway:${SPAN_KIND.client}`,
      `balai-gateway:${SPAN_KIND.server}`,
    ]);
    expect(ancestry.at(-1)?.parentSpanId).toBe(callerSpanId);
    const [, publish, grpcServer, , httpServer] = ancestry;
    expect(attribute(httpServer as OtlpSpan, 'http.route')).toBe('/v1/complaints');
    expect(grpcServer?.name).toMatch(/SubmitComplaint/);
    expect(publish?.name).toBe(`publish ${ns.topicPrefix}balai.complaints.v1`);
    expect(consumerSpan.name).toBe(`process ${ns.topicPrefix}balai.complaints.v1`);
    // The database work of the write and of the projection belongs to the same trace.
    const databaseSpans = spans.filter((span) => attribute(span, 'db.system.name') ?? attribute(span, 'db.system'));
    expect(new Set(databaseSpans.map((span) => span.service))).toEqual(
      new Set(['balai-gateway', 'balai-complaints', 'balai-analytics']),
    );
    // The gateway's only database work is counting the request against its rate limits: one
    // atomic increment per limit (the caller's address, then the signed-in citizen).
    const gatewayOperations = databaseSpans
      .filter((span) => span.service === 'balai-gateway')
      .map((span) => [attribute(span, 'db.operation.name'), attribute(span, 'db.namespace')]);
    expect(gatewayOperations).toEqual([
      ['findAndModify', gatewayDatabase],
      ['findAndModify', gatewayDatabase],
    ]);
  });

  it('should write the trace id into the log lines of the request', () => {
    const lines = gateway
      .output()
      .split('\n')
      .filter((line) => line.includes(traceId));
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ trace_id: traceId, span_id: expect.any(String) });
  });

  it('should serve RED, outbox, lag and dead-letter metrics in the Prometheus format', async () => {
    const scrape = async (process: ServiceProcess) => {
      const response = await fetch(`http://127.0.0.1:${process.opsPort}/metrics`);
      expect(response.status).toBe(200);
      return response.text();
    };
    expect(await scrape(gateway)).toMatch(
      /http_server_request_duration_count\{[^}]*http_route="\/v1\/complaints"[^}]*http_response_status_code="201"/,
    );
    const complaintsMetrics = await scrape(complaints);
    expect(complaintsMetrics).toMatch(
      /rpc_server_call_duration_count\{[^}]*rpc_method="[^"]*SubmitComplaint"[^}]*\} 1/,
    );
    expect(complaintsMetrics).toMatch(/balai_outbox_pending\{[^}]*balai_outbox_collection="complaints"[^}]*\} 0/);
    expect(complaintsMetrics).toMatch(/balai_outbox_oldest_age\{[^}]*\} 0/);
    const analyticsMetrics = await eventually(
      async () => {
        const text = await scrape(analytics);
        // Every partition of the stream reported, and the group has caught up.
        expect(text.match(/^balai_consumer_lag\{.*\} 0$/gm)?.length).toBe(8);
        return text;
      },
      { what: 'the consumer lag of every partition at 0' },
    );
    expect(analyticsMetrics).toMatch(/balai_dlq_messages\{[^}]*messaging_consumer_group_name="[^"]+"[^}]*\} 0/);
  });
});
