import { status as GrpcStatus, Metadata, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import {
  AppError,
  asAppError,
  boundedErrorText,
  type ErrorDetail,
  type ErrorExtensions,
  errorKind,
  wellFormedExtensions,
} from '../errors.js';

const codeKey = 'x-balai-error-code';
/*
 * Binary metadata (the `-bin` suffix): grpc-js base64-encodes it on the wire, so any text fits.
 * An ordinary metadata value must be printable ASCII, and grpc-js throws on anything else; the
 * en dash of one NIK message once took identity down that way (issue 11).
 */
const detailsKey = 'x-balai-error-details-bin';
/** The error's extensions (errors.ts ErrorExtensions), JSON, binary for the same reason. */
const extensionsKey = 'x-balai-error-extensions-bin';
/** Codes are SCREAMING_SNAKE identifiers; anything else would not be a legal ASCII value either. */
const errorCodePattern = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * Maps a thrown value to the gRPC status a handler answers with. Internals never leak. Whatever
 * the error carries (any Unicode, lone surrogates included), the status is legal to send.
 */
export function toGrpcStatus(error: unknown): Partial<StatusObject> & Pick<StatusObject, 'code' | 'details'> {
  const given = asAppError(error);
  const appError = errorCodePattern.test(given.code) ? given : new AppError('INTERNAL');
  const kind = errorKind(appError.code);
  const { message, details } = boundedErrorText(appError);
  const metadata = new Metadata();
  metadata.set(codeKey, appError.code);
  if (details.length > 0) {
    metadata.set(detailsKey, Buffer.from(JSON.stringify(details.map(wellFormedDetail)), 'utf8'));
  }
  const extensions = wellFormedExtensions(appError.extensions);
  if (Object.keys(extensions).length > 0) {
    metadata.set(extensionsKey, Buffer.from(JSON.stringify(extensions), 'utf8'));
  }
  return {
    code: kind.grpc,
    // grpc-js percent-encodes the message with encodeURI, which throws on a lone surrogate.
    details: kind.grpc === GrpcStatus.INTERNAL ? kind.title : message.toWellFormed(),
    metadata,
  };
}

function wellFormedDetail(detail: ErrorDetail): ErrorDetail {
  const message = String(detail.message).toWellFormed();
  return detail.field === undefined ? { message } : { field: String(detail.field).toWellFormed(), message };
}

/** The status of last resort, when even mapping an error failed: nothing in it can be illegal. */
export const internalStatus: Pick<StatusObject, 'code' | 'details'> = {
  code: GrpcStatus.INTERNAL,
  details: errorKind('INTERNAL').title,
};

/** Maps a failed client call back to the AppError the called service threw. */
export function fromGrpcError(error: ServiceError): AppError {
  const code = error.metadata?.get(codeKey)[0];
  if (typeof code === 'string' && errorCodePattern.test(code)) {
    const kind = errorKind(code);
    return AppError.received(
      code,
      kind.http >= 500 ? undefined : error.details,
      readDetails(error.metadata),
      readExtensions(error.metadata),
    );
  }
  // The client could not even encode the request (a number past its int32 field, say): the
  // input's fault, though the caller's schema should have refused it first.
  if (error.code === GrpcStatus.INTERNAL && error.details?.startsWith('Request message serialization failure')) {
    return new AppError('VALIDATION_FAILED', 'A value in the request is out of the range its field holds');
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

/** The details a service sent; a peer that sent something else than a list of details sent none. */
function readDetails(metadata: Metadata): ErrorDetail[] {
  const raw = metadata.get(detailsKey)[0];
  if (!Buffer.isBuffer(raw)) return [];
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((item): ErrorDetail[] => {
      if (typeof item !== 'object' || item === null || typeof item.message !== 'string') return [];
      return [
        typeof item.field === 'string' ? { field: item.field, message: item.message } : { message: item.message },
      ];
    });
  } catch {
    return [];
  }
}

/** The extensions a service sent, only those this process knows (wellFormedExtensions). */
function readExtensions(metadata: Metadata): ErrorExtensions {
  const raw = metadata.get(extensionsKey)[0];
  if (!Buffer.isBuffer(raw)) return {};
  try {
    return wellFormedExtensions(JSON.parse(raw.toString('utf8')));
  } catch {
    return {};
  }
}
