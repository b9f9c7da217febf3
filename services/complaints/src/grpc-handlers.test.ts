import type { complaintsV1 } from '@balai/contracts';
import { contextToMetadata, createLogger } from '@balai/platform';
import type { ServerUnaryCall } from '@grpc/grpc-js';
import { describe, expect, it, vi } from 'vitest';
import { geohashOf } from './complaint-geohash.js';
import type { Complaint } from './complaint-repository.js';
import { aCategory, aComplaint, callers } from './complaint-test-factories.fixture.js';
import { type ComplaintsDeps, complaintsGrpcHandlers } from './grpc-handlers.js';

const now = new Date('2026-11-29T08:00:00.000Z');
const here = { latitude: -6.12, longitude: 106.15 };

function setup(findNearbyCandidates: () => Promise<Complaint[]>) {
  const stored = new Map<string, Complaint>();
  const repository = {
    insert: vi.fn(async ({ outbox: _outbox, ...complaint }: Complaint & { outbox: unknown }) => {
      stored.set(complaint._id, complaint);
      return true;
    }),
    findById: vi.fn(async (_tenant: string, id: string) => stored.get(id) ?? null),
    findNearbyCandidates: vi.fn(findNearbyCandidates),
  };
  const deps = {
    repository,
    categories: { findByCode: async () => aCategory() },
    clock: () => now,
    newId: () => 'c-new',
    onCommitted: () => {},
    nearby: { radiusMeters: 150, maxAgeDays: 30 },
  } as unknown as ComplaintsDeps;
  return { repository, handlers: complaintsGrpcHandlers(createLogger({ service: 'test', level: 'silent' }), deps) };
}

function submit(handlers: ReturnType<typeof setup>['handlers']) {
  const request = {
    categoryCode: 'roads.pothole',
    description: 'Lubang besar di Jalan Ahmad Yani',
    ...here,
  } as complaintsV1.SubmitComplaintRequest;
  const call = {
    request,
    metadata: contextToMetadata(callers.reporter),
    getPath: () => '/balai.complaints.v1.ComplaintsService/SubmitComplaint',
  } as unknown as ServerUnaryCall<complaintsV1.SubmitComplaintRequest, complaintsV1.SubmitComplaintResponse>;
  return new Promise<complaintsV1.SubmitComplaintResponse>((resolve, reject) =>
    handlers.submitComplaint(call, (error, response) => (error || !response ? reject(error) : resolve(response))),
  );
}

describe('SubmitComplaint over gRPC', () => {
  it('should store the geohash and answer the open complaints nearby, without the new one', async () => {
    const neighbour = aComplaint({ _id: 'c-old', location: here, geohash: geohashOf(here.latitude, here.longitude) });
    const { repository, handlers } = setup(async () => [neighbour, { ...neighbour, _id: 'c-new' }]);
    const response = await submit(handlers);
    expect(response.created).toBe(true);
    expect(response.nearbyOpen.map((complaint) => [complaint.id, complaint.view])).toEqual([['c-old', 'public']]);
    expect(repository.insert.mock.calls[0]?.[0]).toMatchObject({ geohash: geohashOf(here.latitude, here.longitude) });
  });

  it('should still answer the filed complaint when the nearby lookup fails', async () => {
    const { handlers } = setup(async () => {
      throw new Error('database hiccup');
    });
    const response = await submit(handlers);
    expect(response.complaint?.id).toBe('c-new');
    expect(response.nearbyOpen).toEqual([]);
  });
});
