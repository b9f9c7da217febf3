import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import {
  MongoClient,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoNotConnectedError,
  MongoServerError,
} from 'mongodb';
import { describe, expect, it } from 'vitest';
import { AppError, staleVersion } from '../errors.js';
import { fromGrpcError, toGrpcStatus } from './status.js';

function asServiceError(statusObject: ReturnType<typeof toGrpcStatus>): ServiceError {
  return Object.assign(new Error(statusObject.details), {
    code: statusObject.code ?? status.UNKNOWN,
    details: statusObject.details ?? '',
    metadata: statusObject.metadata ?? new Metadata(),
  });
}

describe('gRPC error mapping', () => {
  it('should carry the code, message and details of a domain error across the wire', () => {
    const sent = toGrpcStatus(
      new AppError('VALIDATION_FAILED', 'The complaint is not valid', [{ field: '/x', message: 'm' }]),
    );
    expect(sent.code).toBe(status.INVALID_ARGUMENT);
    const received = fromGrpcError(asServiceError(sent));
    expect(received).toMatchObject({ code: 'VALIDATION_FAILED', message: 'The complaint is not valid' });
    expect(received.details).toEqual([{ field: '/x', message: 'm' }]);
  });

  it('should carry the current version of a STALE_VERSION across the wire, and nothing it does not know', () => {
    const received = fromGrpcError(asServiceError(toGrpcStatus(staleVersion(7))));
    expect(received).toMatchObject({ code: 'STALE_VERSION', extensions: { currentVersion: 7 } });
    const metadata = new Metadata();
    metadata.set('x-balai-error-code', 'STALE_VERSION');
    metadata.set('x-balai-error-extensions-bin', Buffer.from('{"currentVersion":"7","admin":true}'));
    const odd = fromGrpcError(Object.assign(new Error('x'), { code: status.ABORTED, details: 'x', metadata }));
    expect(odd.extensions).toEqual({});
  });

  it('should answer INTERNAL without the internal message for an unexpected error', () => {
    const sent = toGrpcStatus(new TypeError('cannot read properties of undefined'));
    expect(sent).toMatchObject({ code: status.INTERNAL, details: 'Internal error' });
  });

  it('should answer UNAVAILABLE, for a retry, while the store cannot be reached', async () => {
    // A real one: nothing listens on port 1.
    const selection = await new MongoClient('mongodb://127.0.0.1:1/', { serverSelectionTimeoutMS: 100 }).connect().then(
      () => new Error('connected'),
      (error: Error) => error,
    );
    expect(selection.name).toBe('MongoServerSelectionError');
    for (const error of [
      selection,
      new MongoNetworkError('connection 4 to 127.0.0.1:27017 closed'),
      new MongoNetworkTimeoutError('connection 4 to 127.0.0.1:27017 timed out'),
      new MongoNotConnectedError('Client must be connected before running operations'),
    ]) {
      expect(toGrpcStatus(error), error.name).toMatchObject({ code: status.UNAVAILABLE });
    }
    // A server that answered (a duplicate key, a bad query) is no outage: INTERNAL, as any other bug.
    expect(toGrpcStatus(new MongoServerError({ message: 'E11000 duplicate key', code: 11000 }))).toMatchObject({
      code: status.INTERNAL,
    });
  });

  it('should turn an unreachable service into UPSTREAM_UNAVAILABLE and a timeout into UPSTREAM_TIMEOUT', () => {
    const bare = (code: status) => asServiceError({ code, details: 'x', metadata: new Metadata() });
    expect(fromGrpcError(bare(status.UNAVAILABLE)).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(fromGrpcError(bare(status.DEADLINE_EXCEEDED)).code).toBe('UPSTREAM_TIMEOUT');
    expect(fromGrpcError(bare(status.DATA_LOSS)).code).toBe('INTERNAL');
    // grpc-js's own refusal to encode a request: the input was out of its field's range.
    const unencodable = asServiceError({
      code: status.INTERNAL,
      details: 'Request message serialization failure: value out of range',
      metadata: new Metadata(),
    });
    expect(fromGrpcError(unencodable).code).toBe('VALIDATION_FAILED');
  });
});

describe('gRPC error mapping with any text', () => {
  it('should carry non-ASCII details in binary metadata that grpc-js accepts', () => {
    const sent = toGrpcStatus(
      new AppError('VALIDATION_FAILED', 'NIK tidak valid', [{ field: 'nik', message: 'digits 7–12 are no date 🚫' }]),
    );
    const received = fromGrpcError(asServiceError(sent));
    expect(received.details).toEqual([{ field: 'nik', message: 'digits 7–12 are no date 🚫' }]);
  });

  it('should read a peer that sent details that are no list of details as sending none', () => {
    const metadata = new Metadata();
    metadata.set('x-balai-error-code', 'VALIDATION_FAILED');
    metadata.set('x-balai-error-details-bin', Buffer.from('{not json'));
    expect(fromGrpcError(asServiceError({ code: status.INVALID_ARGUMENT, details: 'x', metadata })).details).toEqual(
      [],
    );
    metadata.set('x-balai-error-details-bin', Buffer.from('[{"message":1},{"field":"a","message":"b"},null]'));
    expect(fromGrpcError(asServiceError({ code: status.INVALID_ARGUMENT, details: 'x', metadata })).details).toEqual([
      { field: 'a', message: 'b' },
    ]);
  });
});
