import { describe, expect, it } from 'vitest';
import { createBalaiClient } from './client.js';
import { ok } from './errors.js';
import type { RequestBody, ResponseBody, Schema } from './types.js';

/*
 * The client is typed by the OpenAPI document. The @ts-expect-error lines are the compile-fail
 * test: the typecheck (tsc over src/, tests included) fails if any of them stops being an error,
 * e.g. when the document loses the enum that makes a status typo an error.
 */

const client = createBalaiClient({
  baseUrl: 'https://api.balai.test',
  fetch: async () => Response.json({ items: [], nextPageToken: null }),
});

describe('typed calls', () => {
  it('should refuse a misspelt status, order, path or body field at compile time', async () => {
    const { data } = await client.GET('/v1/complaints', { params: { query: { status: ['resolved'] } } });
    const complaint = data?.items[0];
    // @ts-expect-error "resolvd" is not one of the document's complaint statuses: the comparison cannot be true
    if (complaint?.status === 'resolvd') throw new Error('unreachable');
    // @ts-expect-error "resolvd" is not a status the list can be filtered by
    await client.GET('/v1/complaints', { params: { query: { status: ['resolvd'] } } });
    // @ts-expect-error "newst" is not one of the list orders
    await client.GET('/v1/complaints', { params: { query: { order: 'newst' } } });
    // @ts-expect-error a path the API does not have
    await client.GET('/v1/complaint');
    await client.POST('/v1/complaints', {
      // @ts-expect-error a submission without its required description
      body: { categoryCode: 'roads.pothole', latitude: -6.12, longitude: 106.15 },
    });
    expect(true).toBe(true);
  });

  it('should narrow the success body once the error is ruled out', async () => {
    const { data, error } = await client.GET('/v1/complaints');
    if (error) throw new Error(error.code);
    const statuses: Array<
      'submitted' | 'in_progress' | 'resolved' | 'closed' | 'rejected' | 'duplicate' | 'cancelled'
    > = data.items.map((complaint) => complaint.status);
    expect(statuses).toEqual([]);
    const page = await ok(client.GET('/v1/complaints'));
    // @ts-expect-error a field the list answer does not have
    expect(page.complaints).toBeUndefined();
  });

  it('should name bodies by path and method, and schemas by name', () => {
    const submission: RequestBody<'/v1/complaints', 'post'> = {
      categoryCode: 'roads.pothole',
      description: 'Lubang besar di jalan',
      latitude: -6.12,
      longitude: 106.15,
    };
    // @ts-expect-error the list answer is a page, not one complaint
    const wrong: ResponseBody<'/v1/complaints', 'get'> = { id: 'c-1' };
    const status: Schema<'Complaint'>['status'] = 'resolved';
    // @ts-expect-error a status typo in a complaint
    const typo: Schema<'Complaint'>['status'] = 'resolvd';
    expect([submission.categoryCode, wrong, status, typo]).toHaveLength(4);
  });
});
