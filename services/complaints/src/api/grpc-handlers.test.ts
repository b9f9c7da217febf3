import type { complaintsV1 } from '@balai/contracts';
import { contextToMetadata, createLogger } from '@balai/platform';
import type { ServerUnaryCall } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { aDirectory } from '../clients/organisation-directory.fixture.js';
import { inMemoryCategories } from '../data/category-repository.fixture.js';
import { inMemoryComplaints } from '../data/complaint-repository.fixture.js';
import type { Complaint } from '../data/complaint-repository.js';
import { aCategory, aComplaint, callers } from '../data/complaint-test-factories.fixture.js';
import { geohashOf } from '../domain/complaint-geohash.js';
import { type ComplaintsDeps, complaintsGrpcHandlers } from './grpc-handlers.js';

const now = new Date('2026-11-29T08:00:00.000Z');
const here = { latitude: -6.12, longitude: 106.15 };

/** The handlers over in-memory stores holding `neighbours`; the new complaint gets id c-new. */
function setup(...neighbours: Complaint[]) {
  const repository = inMemoryComplaints(...neighbours);
  const deps: ComplaintsDeps = {
    repository,
    categories: inMemoryCategories(aCategory()),
    clock: () => now,
    newId: () => 'c-new',
    onCommitted: () => {},
    directory: aDirectory(),
    nearby: { radiusMeters: 150, maxAgeDays: 30 },
  };
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
    // The new complaint is a candidate too (same place and category): the answer leaves it out.
    const { repository, handlers } = setup(neighbour);
    const response = await submit(handlers);
    expect(response.created).toBe(true);
    expect(response.nearbyOpen.map((complaint) => [complaint.id, complaint.view])).toEqual([['c-old', 'public']]);
    expect(repository.insert.mock.calls[0]?.[0]).toMatchObject({ geohash: geohashOf(here.latitude, here.longitude) });
  });

  it('should still answer the filed complaint when the nearby lookup fails', async () => {
    const { repository, handlers } = setup();
    repository.findNearbyCandidates.mockRejectedValueOnce(new Error('database hiccup'));
    const response = await submit(handlers);
    expect(response.complaint?.id).toBe('c-new');
    expect(response.nearbyOpen).toEqual([]);
  });
});
