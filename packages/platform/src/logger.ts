import { trace } from '@opentelemetry/api';
import { type Logger, pino } from 'pino';

export type { Logger };

/** Fields that carry personal data or secrets; pino replaces them wherever they appear. */
const redactPaths = [
  'password',
  '*.password',
  'nik',
  '*.nik',
  'phone',
  '*.phone',
  'email',
  '*.email',
  'req.headers.authorization',
  'req.headers.cookie',
];

export function createLogger(options: { service: string; level?: string }): Logger {
  return pino({
    name: options.service,
    level: options.level ?? 'info',
    base: { service: options.service },
    redact: { paths: redactPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Joins a log line to its trace: the ids of the span active when it was written.
    mixin: () => {
      const span = trace.getActiveSpan()?.spanContext();
      return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
    },
  });
}
