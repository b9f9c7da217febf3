import { status as GrpcStatus, Metadata, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { AppError, errorKind, isAppError } from '../errors.js';

const codeKey = 'x-balai-error-code';
const detailsKey = 'x-balai-error-details';

/** Maps a thrown value to the gRPC status a handler answers with. Internals never leak. */
export function toGrpcStatus(error: unknown): Partial<StatusObject> {
  const appError = isAppError(error) ? error : new AppError('INTERNAL');
  const kind = errorKind(appError.code);
  const metadata = new Metadata();
  metadata.set(codeKey, appError.code);
  if (appError.details.length > 0) metadata.set(detailsKey, JSON.stringify(appError.details));
  return {
    code: kind.grpc,
    details: kind.grpc === GrpcStatus.INTERNAL ? kind.title : appError.message,
    metadata,
  };
}

/** Maps a failed client call back to the AppError the called service threw. */
export function fromGrpcError(error: ServiceError): AppError {
  const code = error.metadata?.get(codeKey)[0];
  if (typeof code === 'string' && code !== '') {
    const detailsRaw = error.metadata.get(detailsKey)[0];
    const details = typeof detailsRaw === 'string' ? JSON.parse(detailsRaw) : [];
    const kind = errorKind(code);
    return new AppError(code, kind.http >= 500 ? undefined : error.details, details);
  }
  switch (error.code) {
    case GrpcStatus.UNAVAILABLE:
      return new AppError('UPSTREAM_UNAVAILABLE');
    case GrpcStatus.DEADLINE_EXCEEDED:
      return new AppError('UPSTREAM_TIMEOUT');
    default:
      return new AppError('INTERNAL');
  }
}
