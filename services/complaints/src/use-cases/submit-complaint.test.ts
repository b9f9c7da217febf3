import { AppError, type CallContext } from '@balai/platform';
import { describe, expect, it, vi } from 'vitest';
import type { Category } from '../data/category-repository.js';
import { inMemoryComplaints } from '../data/complaint-repository.fixture.js';
import { aCategory } from '../data/complaint-test-factories.fixture.js';
import { complaintIdForKey } from '../domain/complaint-id.js';
import { type SubmitComplaintInput, submitComplaint } from './submit-complaint.js';

const now = new Date('2026-11-28T08:00:00.000Z');
const citizen: CallContext = { tenantId: '36.73', requestId: 'r-1', subject: 'user-1', roles: ['citizen'] };
const officer: CallContext = { ...citizen, subject: 'officer-1', roles: ['officer'], agencyId: 'dpupr' };
const input: SubmitComplaintInput = {
  categoryCode: 'roads.pothole',
  description: '  Lubang besar di Jalan Ahmad Yani  ',
  latitude: -6.12,
  longitude: 106.15,
};

function setup(category: Category | null = aCategory()) {
  const repository = inMemoryComplaints();
  const categories = { findByCode: vi.fn(async () => category) };
  const onCommitted = vi.fn();
  const deps = {
    repository,
    categories,
    clock: () => now,
    newId: () => 'c-1',
    onCommitted,
  };
  return { repository, categories, onCommitted, deps };
}

async function problemsOf(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('VALIDATION_FAILED');
  return (error as AppError).details.map((detail) => detail.field ?? '');
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

  it('should write the complaint, its first timeline entry and its submitted event in one document', async () => {
    const { repository, onCommitted, deps } = setup();
    const { complaint, created } = await submitComplaint(deps, citizen, input);
    expect(created).toBe(true);
    expect(complaint).toMatchObject({
      _id: 'c-1',
      tenantId: '36.73',
      status: 'submitted',
      version: 1,
      reporterId: 'user-1',
      agencyId: 'dpupr',
      categoryVersion: 1,
      description: 'Lubang besar di Jalan Ahmad Yani',
    });
    expect(complaint.slaDueAt).toEqual(new Date(now.getTime() + 72 * 3_600_000));
    expect(complaint.timeline).toEqual([
      expect.objectContaining({ action: 'submit', actorRole: 'citizen', actorId: 'user-1', toStatus: 'submitted' }),
    ]);
    const written = repository.insert.mock.calls[0]?.[0];
    expect(written?.outbox).toHaveLength(1);
    expect(written?.outbox[0]).toMatchObject({
      type: 'id.balai.complaints.complaint.submitted.v1',
      subject: 'c-1',
      tenantId: '36.73',
      data: {
        complaintId: 'c-1',
        tenantId: '36.73',
        categoryCode: 'roads.pothole',
        submittedAt: now.toISOString(),
        agencyId: 'dpupr',
        slaDueAt: '2026-12-01T08:00:00.000Z',
      },
    });
    expect(onCommitted).toHaveBeenCalledAfter(repository.insert);
  });

  it('should keep the description, address and reporter out of the event', async () => {
    const { repository, deps } = setup();
    await submitComplaint(deps, citizen, { ...input, address: 'Jl. Ahmad Yani No. 5' });
    const outbox = JSON.stringify(repository.insert.mock.calls[0]?.[0]?.outbox);
    expect(outbox).not.toContain('Ahmad Yani');
    expect(outbox).not.toContain('user-1');
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
    const fields = await problemsOf(
      submitComplaint(deps, citizen, {
        categoryCode: 'Roads Pothole',
        description: 'short',
        latitude: 91,
        longitude: Number.NaN,
        mediaUrls: ['http://example.org/a.jpg', 'javascript:alert(1)'],
      }),
    );
    expect(fields).toEqual([
      '/categoryCode',
      '/description',
      '/latitude',
      '/longitude',
      '/mediaUrls/0',
      '/mediaUrls/1',
    ]);
    expect(repository.insert).not.toHaveBeenCalled();
  });

  it('should refuse more than five media URLs and accept five https ones', async () => {
    const urls = Array.from({ length: 6 }, (_, i) => `https://media.example/${i}.jpg`);
    expect(await problemsOf(submitComplaint(setup().deps, citizen, { ...input, mediaUrls: urls }))).toEqual([
      '/mediaUrls',
    ]);
    const { complaint } = await submitComplaint(setup().deps, citizen, { ...input, mediaUrls: urls.slice(0, 5) });
    expect(complaint.mediaUrls).toHaveLength(5);
  });

  it('should store media URLs as the URL parser writes them: lower-case host, punycode, no default port', async () => {
    const { complaint } = await submitComplaint(setup().deps, citizen, {
      ...input,
      mediaUrls: ['HTTPS://Media.Example.ID:443/foto/1.jpg', 'https://例え.jp/x.png'],
    });
    expect(complaint.mediaUrls).toEqual(['https://media.example.id/foto/1.jpg', 'https://xn--r8jz45g.jp/x.png']);
  });

  it('should refuse media URLs that are not public https URLs, saying why, and write nothing', async () => {
    const { repository, deps } = setup();
    const error = await submitComplaint(deps, citizen, {
      ...input,
      mediaUrls: [
        'https://cdn.example.org/a.jpg',
        'https://169.254.169.254/latest/meta-data',
        'https://user:pw@x.org/a.jpg',
        'https://x.org/<script>',
        'http://x.org/a.jpg',
      ],
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((error as AppError).details).toEqual([
      { field: '/mediaUrls/1', message: 'must not point to a private, loopback, link-local or reserved address' },
      { field: '/mediaUrls/2', message: 'must not contain credentials (user:password@)' },
      {
        field: '/mediaUrls/3',
        message: 'must not contain whitespace, quotes, angle brackets, backticks or backslashes',
      },
      { field: '/mediaUrls/4', message: 'must be an https URL' },
    ]);
    expect(repository.insert).not.toHaveBeenCalled();
  });

  it.each([
    ['NUL', 'Lubang besar\u0000 di jalan'],
    ['a vertical tab at the end, where trimming would hide it', 'Lubang besar di jalan\u000b'],
    ['a C1 control', 'Lubang besar\u009b di jalan'],
    ['a lone carriage return', 'Lubang besar\rdi jalan'],
    ['an unpaired surrogate', 'Lubang besar \ud83d di jalan'],
  ])('should refuse a description with %s and write nothing', async (_name, description) => {
    const { repository, deps } = setup();
    expect(await problemsOf(submitComplaint(deps, citizen, { ...input, description }))).toEqual(['/description']);
    expect(repository.insert).not.toHaveBeenCalled();
  });

  it('should keep tabs, line breaks (CRLF as LF), accents, other scripts and emoji in the description', async () => {
    const description = 'Lubang besar 😡\r\n\t- di depan Café Ñusantara\r\n\t- 道路の穴';
    const { complaint } = await submitComplaint(setup().deps, citizen, { ...input, description });
    expect(complaint.description).toBe('Lubang besar 😡\n\t- di depan Café Ñusantara\n\t- 道路の穴');
  });

  it('should refuse control characters in the address, and in text attribute values, and write nothing', async () => {
    const notes = {
      code: 'notes',
      datatype: 'text' as const,
      required: false,
      order: 1,
      labels: { id: 'Lainnya', en: 'Anything else' },
      values: [],
    };
    const { repository, deps } = setup(aCategory('roads.pothole', { attributes: [notes] }));
    expect(await problemsOf(submitComplaint(deps, citizen, { ...input, address: 'Jl. Ahmad Yani\u0000' }))).toEqual([
      '/address',
    ]);
    expect(
      await problemsOf(
        submitComplaint(deps, citizen, { ...input, attributes: [{ code: 'notes', values: ['ada\u0007'] }] }),
      ),
    ).toEqual(['/attributes/notes']);
    expect(repository.insert).not.toHaveBeenCalled();
    const { complaint } = await submitComplaint(deps, citizen, {
      ...input,
      attributes: [{ code: 'notes', values: ['baris 1\r\n\tbaris 2 🚧'] }],
    });
    expect(complaint.attributes).toEqual([{ code: 'notes', values: ['baris 1\n\tbaris 2 🚧'] }]);
  });

  it("should refuse a category that is not in the tenant's catalogue, or no longer active", async () => {
    expect(await problemsOf(submitComplaint(setup(null).deps, citizen, input))).toEqual(['/categoryCode']);
    const inactive = setup(aCategory('roads.pothole', { active: false }));
    expect(await problemsOf(submitComplaint(inactive.deps, citizen, input))).toEqual(['/categoryCode']);
  });

  it('should check attribute values against the category and store them in its order', async () => {
    const { deps } = setup(aCategory('public-facilities.damaged'));
    const fields = await problemsOf(
      submitComplaint(deps, citizen, { ...input, attributes: [{ code: 'colour', values: ['red'] }] }),
    );
    expect(fields).toEqual(['/attributes/colour', '/attributes/facility']);
    const { complaint } = await submitComplaint(deps, citizen, {
      ...input,
      attributes: [
        { code: 'severity', values: ['high'] },
        { code: 'facility', values: ['bus_stop'] },
      ],
    });
    expect(complaint.attributes).toEqual([
      { code: 'facility', values: ['bus_stop'] },
      { code: 'severity', values: ['high'] },
    ]);
  });

  it('should refuse anonymity where the category does not allow it', async () => {
    const { deps } = setup(aCategory('waste.missed-collection'));
    expect(await problemsOf(submitComplaint(deps, citizen, { ...input, anonymous: true }))).toEqual(['/anonymous']);
    const allowed = await submitComplaint(setup().deps, citizen, { ...input, anonymous: true });
    expect(allowed.complaint.anonymous).toBe(true);
  });

  it("should record the officer and the citizen reference when an officer files on a citizen's behalf", async () => {
    const { deps, repository } = setup();
    expect(await problemsOf(submitComplaint(deps, officer, input))).toEqual(['/citizenReference']);
    const { complaint } = await submitComplaint(deps, officer, { ...input, citizenReference: 'counter-2026-0042' });
    expect(complaint).toMatchObject({
      reporterId: 'officer-1',
      filedByOfficerId: 'officer-1',
      citizenReference: 'counter-2026-0042',
    });
    const written = repository.insert.mock.calls[0]?.[0];
    expect(written?.outbox[0]?.data).toMatchObject({ filedOnBehalf: true });
    expect(JSON.stringify(written?.outbox)).not.toContain('counter-2026-0042');
  });

  it('should refuse a citizen reference from a citizen', async () => {
    expect(await problemsOf(submitComplaint(setup().deps, citizen, { ...input, citizenReference: 'x-1' }))).toEqual([
      '/citizenReference',
    ]);
  });

  describe('with an idempotency key', () => {
    it('should derive the id from tenant, reporter and key, and answer a retry with the first complaint', async () => {
      const { deps, repository, onCommitted } = setup();
      const first = await submitComplaint(deps, citizen, { ...input, idempotencyKey: 'key-1' });
      expect(first.complaint._id).toBe(complaintIdForKey('36.73', 'user-1', 'key-1'));
      const retry = await submitComplaint(deps, citizen, { ...input, idempotencyKey: 'key-1' });
      expect(retry).toEqual({ complaint: first.complaint, created: false });
      expect(repository.insert).toHaveBeenCalledTimes(1);
      expect(onCommitted).toHaveBeenCalledTimes(1);
    });

    it('should answer the first complaint when a concurrent retry wins the insert', async () => {
      const { deps, repository } = setup();
      const first = await submitComplaint(deps, citizen, { ...input, idempotencyKey: 'key-2' });
      // This call's pre-check missed the first one (it was not written yet); its insert clashes.
      repository.findById.mockResolvedValueOnce(null);
      const retry = await submitComplaint(deps, citizen, { ...input, idempotencyKey: 'key-2' });
      expect(retry).toEqual({ complaint: first.complaint, created: false });
    });

    it('should refuse the same key with a different complaint', async () => {
      const { deps } = setup();
      await submitComplaint(deps, citizen, { ...input, idempotencyKey: 'key-3' });
      await expect(
        submitComplaint(deps, citizen, {
          ...input,
          description: 'Another pothole somewhere else',
          idempotencyKey: 'key-3',
        }),
      ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    });

    it("should file a new complaint for another reporter's identical key", async () => {
      const { deps } = setup();
      const mine = await submitComplaint(deps, citizen, { ...input, idempotencyKey: 'key-4' });
      const theirs = await submitComplaint(
        deps,
        { ...citizen, subject: 'user-2' },
        { ...input, idempotencyKey: 'key-4' },
      );
      expect(theirs.created).toBe(true);
      expect(theirs.complaint._id).not.toBe(mine.complaint._id);
    });
  });
});

describe('submitComplaint by a partner app (Open311)', () => {
  const partner: CallContext = {
    tenantId: '36.73',
    requestId: 'r-2',
    subject: 'partner-client-1',
    roles: ['open311_partner'],
  };
  const contact = {
    email: ' warga@example.id ',
    firstName: 'Siti',
    lastName: 'Aminah',
    phone: '+62 812 3456 7890',
    deviceId: 'device-9',
    accountId: 'acct-42',
  };

  it('should file it as the partner, store the reporter contact and keep it out of the event', async () => {
    const { repository, deps } = setup();
    const { complaint, created } = await submitComplaint(deps, partner, { ...input, reporterContact: contact });
    expect(created).toBe(true);
    expect(complaint).toMatchObject({
      reporterId: 'partner-client-1',
      filedByOfficerId: '',
      reporterContact: { ...contact, email: 'warga@example.id' },
    });
    expect(complaint.timeline[0]).toMatchObject({ action: 'submit', actorRole: 'open311_partner' });
    const event = JSON.stringify(repository.insert.mock.calls[0]?.[0]?.outbox);
    for (const value of ['warga@example.id', 'Siti', 'Aminah', '3456', 'device-9', 'acct-42', 'partner-client-1']) {
      expect(event).not.toContain(value);
    }
    expect(event).toContain('"complaintId":"c-1"');
  });

  it('should store no contact when the partner sends only empty fields', async () => {
    const { deps } = setup();
    const { complaint } = await submitComplaint(deps, partner, {
      ...input,
      reporterContact: { email: ' ', phone: '' },
    });
    expect(complaint.reporterContact).toBeNull();
  });

  it('should refuse an invalid contact and write nothing', async () => {
    const { repository, deps } = setup();
    const fields = await problemsOf(
      submitComplaint(deps, partner, {
        ...input,
        reporterContact: { email: 'not-an-address', firstName: 'x'.repeat(101), phone: 'a\u0007b' },
      }),
    );
    expect(fields).toEqual(['/reporterContact/firstName', '/reporterContact/phone', '/reporterContact/email']);
    expect(repository.insert).not.toHaveBeenCalled();
  });

  it('should refuse a reporter contact from a citizen or an officer', async () => {
    const { deps } = setup();
    expect(await problemsOf(submitComplaint(deps, citizen, { ...input, reporterContact: contact }))).toEqual([
      '/reporterContact',
    ]);
    expect(
      await problemsOf(
        submitComplaint(deps, officer, { ...input, citizenReference: 'loket-1', reporterContact: contact }),
      ),
    ).toEqual(['/reporterContact']);
  });

  it('should refuse a citizen reference from a partner', async () => {
    const { deps } = setup();
    expect(await problemsOf(submitComplaint(deps, partner, { ...input, citizenReference: 'loket-1' }))).toEqual([
      '/citizenReference',
    ]);
  });

  it('should tell a retry from a reused key by the contact too', async () => {
    const { deps } = setup();
    const first = await submitComplaint(deps, partner, { ...input, reporterContact: contact, idempotencyKey: 'k-1' });
    const retry = await submitComplaint(deps, partner, { ...input, reporterContact: contact, idempotencyKey: 'k-1' });
    expect(retry).toEqual({ complaint: first.complaint, created: false });
    await expect(
      submitComplaint(deps, partner, {
        ...input,
        reporterContact: { ...contact, email: 'lain@example.id' },
        idempotencyKey: 'k-1',
      }),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});
