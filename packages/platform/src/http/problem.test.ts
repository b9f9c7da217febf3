import { MongoNetworkError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { AppError, LocalisedAppError, registerErrors } from '../errors.js';
import { toProblem } from './problem.js';

// A service's code, as the gateway registers the codes of the services it calls.
registerErrors({
  COMPLAINT_NOT_FOUND: {
    http: 404,
    grpc: 5,
    title: 'The complaint does not exist',
    titleIndonesian: 'Pengaduan tidak ditemukan',
  },
});

describe('toProblem', () => {
  it('should map a domain error to its status, stable code and type', () => {
    const problem = toProblem(AppError.received('COMPLAINT_NOT_FOUND', 'No complaint c-1'), '/v1/complaints/c-1', 'en');
    expect(problem).toEqual({
      type: 'https://balai.id/problems/complaint-not-found',
      title: 'The complaint does not exist',
      status: 404,
      code: 'COMPLAINT_NOT_FOUND',
      detail: 'No complaint c-1',
      instance: '/v1/complaints/c-1',
    });
  });

  it('should carry field details of a validation error', () => {
    const problem = toProblem(new AppError('VALIDATION_FAILED', 'bad', [{ field: '/latitude', message: 'too big' }]));
    expect(problem).toMatchObject({ status: 400, errors: [{ field: '/latitude', message: 'too big' }] });
  });

  it('should not leak the message of an unexpected error', () => {
    const problem = toProblem(new Error('connection string mongodb://admin:secret@db'), undefined, 'en');
    expect(problem).toEqual({
      type: 'https://balai.id/problems/internal',
      title: 'Internal error',
      status: 500,
      code: 'INTERNAL',
    });
  });

  it('should answer 503 UPSTREAM_UNAVAILABLE while the store cannot be reached', () => {
    const problem = toProblem(new MongoNetworkError('connection 4 to 127.0.0.1:27017 closed'));
    expect(problem).toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
    expect(JSON.stringify(problem)).not.toContain('27017');
  });

  it('should not show the detail of a 5xx domain error', () => {
    expect(toProblem(new AppError('UPSTREAM_UNAVAILABLE', 'complaints at 10.0.0.7:7202 refused'))).not.toHaveProperty(
      'detail',
    );
  });

  it('should title a problem in Indonesian by default and in English when asked', () => {
    const error = AppError.received('COMPLAINT_NOT_FOUND', 'No complaint c-1');
    expect(toProblem(error)).toMatchObject({ title: 'Pengaduan tidak ditemukan', detail: 'No complaint c-1' });
    expect(toProblem(error, undefined, 'id')).toMatchObject({ title: 'Pengaduan tidak ditemukan' });
    expect(toProblem(error, undefined, 'en')).toMatchObject({ title: 'The complaint does not exist' });
  });

  it('should leave out a detail that only repeats the title, in either language', () => {
    // As a code crosses gRPC: its message is the English title.
    const received = AppError.received('COMPLAINT_NOT_FOUND', 'The complaint does not exist');
    expect(toProblem(received, undefined, 'id')).not.toHaveProperty('detail');
    expect(toProblem(received, undefined, 'en')).not.toHaveProperty('detail');
  });

  it('should give a localised error its text in the language asked for', () => {
    const error = new LocalisedAppError('VALIDATION_FAILED', {
      en: { message: 'The body is not valid', details: [{ field: '/name', in: 'body', message: 'is required' }] },
      id: { message: 'Isi permintaan tidak valid', details: [{ field: '/name', in: 'body', message: 'wajib diisi' }] },
    });
    expect(toProblem(error, undefined, 'id')).toMatchObject({
      title: 'Permintaan tidak valid',
      detail: 'Isi permintaan tidak valid',
      errors: [{ field: '/name', in: 'body', message: 'wajib diisi' }],
    });
    expect(toProblem(error, undefined, 'en')).toMatchObject({
      title: 'The request is not valid',
      detail: 'The body is not valid',
      errors: [{ field: '/name', in: 'body', message: 'is required' }],
    });
  });

  it('should answer at most 20 details and a count, however many the error holds', () => {
    const details = Array.from({ length: 200_000 }, (_, index) => ({ field: `/mediaUrls/${index}`, message: 'x' }));
    const problem = toProblem(new AppError('VALIDATION_FAILED', 'y'.repeat(50_000), details));
    expect(problem.errors).toHaveLength(21);
    expect(problem.errors?.at(-1)).toEqual({ message: 'and 199980 more' });
    expect(JSON.stringify(problem).length).toBeLessThan(4000);
  });
});
