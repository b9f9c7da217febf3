import { AppError, type ErrorCode, registerErrors } from '@balai/platform';
import { beforeAll, describe, expect, it } from 'vitest';
import { upstreamErrors } from '../../clients/upstream-errors.js';
import { gatewayErrors } from '../../domain/gateway-errors.js';
import { open311BadRequest, open311ErrorResponse, open311NotFound } from './open311-errors.js';

// As the gateway does when it starts (buildGateway).
beforeAll(() => registerErrors(gatewayErrors, upstreamErrors));

describe('open311ErrorResponse', () => {
  it.each([
    ['VALIDATION_FAILED', 400],
    ['UNAUTHENTICATED', 403],
    ['FORBIDDEN', 403],
    ['TENANT_MISMATCH', 403],
    ['NOT_FOUND', 404],
    ['TENANT_REQUIRED', 400],
    ['UNKNOWN_TENANT', 404],
    ['STALE_VERSION', 409],
    ['UPSTREAM_UNAVAILABLE', 503],
    ['UPSTREAM_TIMEOUT', 504],
    ['INTERNAL', 500],
  ] satisfies [ErrorCode, number][])(
    'should answer %s with HTTP %i and the same code in every error',
    (code, status) => {
      const response = open311ErrorResponse(new AppError(code, 'detail'));
      expect(response.status).toBe(status);
      expect(response.errors.length).toBeGreaterThan(0);
      for (const error of response.errors) expect(error.code).toBe(status);
    },
  );

  it('should name the jurisdiction_id as the specification words it', () => {
    expect(open311ErrorResponse(new AppError('UNKNOWN_TENANT', 'Tenant 99.99 does not exist')).errors).toEqual([
      { code: 404, description: 'jurisdiction_id provided was not found' },
    ]);
    expect(open311ErrorResponse(new AppError('TENANT_REQUIRED')).errors).toEqual([
      { code: 400, description: 'jurisdiction_id is required' },
    ]);
  });

  it('should give one error per validation detail', () => {
    const error = new AppError('VALIDATION_FAILED', 'The request is not valid', [
      { field: 'attribute[kedalaman]', message: 'must be a number' },
      { message: 'attribute[jenis_jalan] is required' },
    ]);
    expect(open311ErrorResponse(error)).toEqual({
      status: 400,
      errors: [
        { code: 400, description: 'attribute[kedalaman]: must be a number' },
        { code: 400, description: 'attribute[jenis_jalan] is required' },
      ],
    });
  });

  it('should keep the message of a 4xx and never the message of a 5xx', () => {
    expect(open311ErrorResponse(new AppError('NOT_FOUND', 'service_code not found')).errors).toEqual([
      { code: 404, description: 'service_code not found' },
    ]);
    const internal = open311ErrorResponse(new AppError('INTERNAL', 'mongo at 10.0.0.5 refused'));
    expect(JSON.stringify(internal)).not.toContain('mongo');
    const crash = open311ErrorResponse(new TypeError('cannot read properties of undefined (reading "x")'));
    expect(crash).toEqual({ status: 500, errors: [{ code: 500, description: 'Internal error' }] });
  });

  it('should keep the status a service-specific code is registered with', () => {
    expect(open311ErrorResponse(new AppError('USER_NOT_FOUND', 'No such account')).errors).toEqual([
      { code: 404, description: 'No such account' },
    ]);
    expect(open311ErrorResponse(new AppError('NIK_INVALID', 'NIK is not valid')).status).toBe(400);
    expect(open311ErrorResponse(AppError.received('SOME_UNREGISTERED_CODE', 'x')).status).toBe(500);
  });

  it('should pass client errors from fastify through with their status', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413 });
    expect(open311ErrorResponse(tooLarge)).toEqual({
      status: 413,
      errors: [{ code: 413, description: 'Request body is too large' }],
    });
  });

  it('should build 400 and 404 responses for the routes', () => {
    expect(open311BadRequest(['a', 'b'])).toEqual({
      status: 400,
      errors: [
        { code: 400, description: 'a' },
        { code: 400, description: 'b' },
      ],
    });
    expect(open311NotFound('service_code provided was not found')).toEqual({
      status: 404,
      errors: [{ code: 404, description: 'service_code provided was not found' }],
    });
  });
});
