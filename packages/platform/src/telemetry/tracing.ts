import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

/** One tracer for the platform's own spans (outbox publish, event processing). */
const tracer = trace.getTracer('@balai/platform');

/** The W3C traceparent of the active span, if there is one (none without the telemetry bootstrap). */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

function contextOf(traceparent: string | undefined) {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

/** The traceparent of a span, for carrying it on (in a Kafka header) past the span's own scope. */
export function traceparentOf(span: Span): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
  return carrier.traceparent;
}

/** Starts a span whose parent is the given traceparent (stored with an event), not the active span. */
export function startSpanFrom(
  traceparent: string | undefined,
  name: string,
  kind: SpanKind,
  attributes: Attributes,
): Span {
  return tracer.startSpan(name, { kind, attributes }, contextOf(traceparent));
}

/** Ends a span as failed with the error, or as done. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}

/**
 * Runs `work` inside a consumer span that continues the trace carried by the event, so the
 * database calls a handler makes join the request's trace.
 */
export async function inConsumerSpan<T>(
  traceparent: string | undefined,
  name: string,
  attributes: Attributes,
  work: () => Promise<T>,
): Promise<T> {
  const span = startSpanFrom(traceparent, name, SpanKind.CONSUMER, attributes);
  try {
    const result = await context.with(trace.setSpan(contextOf(traceparent), span), work);
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

export { SpanKind };
