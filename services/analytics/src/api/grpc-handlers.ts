import type { analyticsV1 } from '@balai/contracts';
import { type Logger, unaryHandler } from '@balai/platform';
import { type ComplaintSummaries, getComplaintSummary } from '../use-cases/get-complaint-summary.js';

/** Thin gRPC entry points: decode, call the use case, encode. */
export function analyticsGrpcHandlers(
  logger: Logger,
  summaries: ComplaintSummaries,
): analyticsV1.AnalyticsServiceServer {
  return {
    getComplaintSummary: unaryHandler(logger, async (_request: analyticsV1.GetComplaintSummaryRequest, context) =>
      getComplaintSummary(summaries, context),
    ),
  };
}
