import { AppError, type CallContext } from '@balai/platform';
import { describe, expect, it, vi } from 'vitest';
import type { ComplaintRepository } from './complaint-repository.js';
import { submitComplaint } from './submit-complaint.js';

const now = new Date('2026-11-28T08:00:00.000Z');
const citizen: CallContext = { tenantId: '36.73', requestId: 'r-1', subject: 'user-1', roles: ['citizen'] };
const input = {
  categoryCode: 'roads.pothole',
  description: '  Lubang besar di Jalan Ahmad Yani  ',
  latitude: -6.12,
  longitude: 106.15,
};

function setup() {
  const repository = { insert: vi.fn().mockResolvedValue(undefined) };
  const onCommitted = vi.fn();
  const deps = {
    repository: repository as unknown as ComplaintRepository,
    clock: () => now,
    newId: () => 'c-1',
    onCommitted,
  };
  return { repository, onCommitted, deps };
}

describe('submitComplaint', () => {
  it.each([
    ['an anonymous call', { ...citizen, subject: undefined } as CallContext, 'UNAUTHENTICATED'],
    ['an analyst', { ...citizen, roles: ['analyst'] }, 'FORBIDDEN'],
  ])('should refuse %s without writing', async (_name, context, code) => {
    const { repository, deps } = setup();
    await expect(submitComplaint(deps, context, input)).rejects.toMatchObject({ code });
    expect(repository.insert).not.toHaveBeenCalled();
  });

  it('should write the complaint and its submitted event in one document, then wake the relay', async () => {
    const { repository, onCommitted, deps } = setup();
    const complaint = await submitComplaint(deps, citizen, input);
    expect(complaint).toMatchObject({ _id: 'c-1', tenantId: '36.73', status: 'submitted', version: 1 });
    expect(complaint.description).toBe('Lubang besar di Jalan Ahmad Yani');
    expect(repository.insert).toHaveBeenCalledTimes(1);
    const written = repository.insert.mock.calls[0]?.[0];
    expect(written.outbox).toHaveLength(1);
    expect(written.outbox[0]).toMatchObject({
      type: 'id.balai.complaints.complaint.submitted.v1',
      subject: 'c-1',
      tenantId: '36.73',
      data: { complaintId: 'c-1', tenantId: '36.73', categoryCode: 'roads.pothole', submittedAt: now.toISOString() },
    });
    expect(onCommitted).toHaveBeenCalledAfter(repository.insert);
  });

  it('should keep the description out of the event: events carry no free text', async () => {
    const { repository, deps } = setup();
    await submitComplaint(deps, citizen, input);
    expect(JSON.stringify(repository.insert.mock.calls[0]?.[0].outbox)).not.toContain('Ahmad Yani');
  });

  it('should refuse a call without a tenant and write nothing', async () => {
    const { repository, deps } = setup();
    await expect(submitComplaint(deps, { ...citizen, tenantId: '' }, input)).rejects.toMatchObject({
      code: 'TENANT_REQUIRED',
    });
    expect(repository.insert).not.toHaveBeenCalled();
  });

  it('should list every invalid field and write nothing', async () => {
    const { repository, deps } = setup();
    const error = await submitComplaint(deps, citizen, {
      categoryCode: 'Roads Pothole',
      description: 'short',
      latitude: 91,
      longitude: Number.NaN,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).details.map((detail) => detail.field)).toEqual([
      '/categoryCode',
      '/description',
      '/latitude',
      '/longitude',
    ]);
    expect(repository.insert).not.toHaveBeenCalled();
  });
});
