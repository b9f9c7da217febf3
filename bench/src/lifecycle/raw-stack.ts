import { randomUUID } from 'node:crypto';
import type { ComplaintStatus, TimelineEntry } from '@balai/complaints';
import { fastify } from 'fastify';
import type { Collection } from 'mongodb';
import { aComplaint } from '../../../services/complaints/src/data/complaint-test-factories.fixture.js';
import { geohashOf } from '../../../services/complaints/src/domain/complaint-geohash.js';
import type { StoredComplaint } from './seed-complaints.js';

/**
 * The raw baseline: what the lifecycle's five calls cost with nothing but a bare fastify route
 * and the mongodb driver, on the same FerretDB, under the gateway's paths and bodies so the same
 * client drives it. Each call is the one database operation a developer would write for it:
 * submit is one `insertOne` of a complaint document shaped as the service stores it; assign,
 * resolve and rate are one version-guarded `updateOne` each (state, version, timeline entry);
 * the inbox is one `find` with the inbox's filter, sort, projection and page size.
 *
 * Left out, and so part of what the ratio measures: authentication and rate limits, the gRPC
 * hop to complaints, reading the complaint before a transition, the category and duplicate
 * lookups of a submission, identity's checks of the assignee, events (the outbox, Kafka,
 * analytics), and views of the answer.
 */
export interface RawStack {
  url: string;
  stop(): Promise<void>;
}

/** The raw server's complaints: removed before the next raw run, so each run starts from the seed alone. */
export const rawIdPrefix = 'raw-';

const Transition = {
  type: 'object',
  required: ['expectedVersion'],
  properties: { expectedVersion: { type: 'integer', minimum: 1 } },
} as const;

interface TransitionBody {
  expectedVersion: number;
  agencyId?: string;
  officerId?: string;
  note?: string;
  score?: number;
  outcome?: string;
}

/** Which states each transition starts from and leads to, as the complaints workflow has them. */
const transitions: Record<string, { from: ComplaintStatus[]; to: ComplaintStatus; action: string; role: string }> = {
  assignment: { from: ['submitted', 'in_progress'], to: 'in_progress', action: 'assign', role: 'supervisor' },
  resolution: { from: ['in_progress'], to: 'resolved', action: 'resolve', role: 'officer' },
  rating: { from: ['resolved'], to: 'closed', action: 'rate', role: 'citizen' },
};

export async function startRawStack(collection: Collection<StoredComplaint>): Promise<RawStack> {
  const app = fastify({ logger: false });
  const tenantOf = (headers: Record<string, unknown>) => String(headers['x-balai-tenant'] ?? '36.73');

  app.post<{
    Body: { categoryCode: string; description: string; latitude: number; longitude: number; address?: string };
  }>(
    '/v1/complaints',
    {
      schema: {
        body: {
          type: 'object',
          required: ['categoryCode', 'description', 'latitude', 'longitude'],
          properties: {
            categoryCode: { type: 'string' },
            description: { type: 'string', minLength: 10, maxLength: 4000 },
            latitude: { type: 'number', minimum: -90, maximum: 90 },
            longitude: { type: 'number', minimum: -180, maximum: 180 },
            address: { type: 'string', maxLength: 300 },
          },
        },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const now = new Date();
      const id = `${rawIdPrefix}${randomUUID()}`;
      const slaDueAt = new Date(now.getTime() + 72 * 3_600_000);
      const entry: TimelineEntry = {
        id: randomUUID(),
        action: 'submit',
        at: now,
        actorRole: 'citizen',
        actorId: 'demo-36.73-warga',
        visibility: 'public',
        fromStatus: '',
        toStatus: 'submitted',
        note: '',
        details: { agencyId: 'dpupr' },
      };
      await collection.insertOne({
        ...aComplaint({
          _id: id,
          tenantId: tenantOf(request.headers),
          categoryCode: body.categoryCode,
          agencyId: 'dpupr',
          description: body.description,
          location: { latitude: body.latitude, longitude: body.longitude },
          geohash: geohashOf(body.latitude, body.longitude),
          address: body.address ?? '',
          reporterId: 'demo-36.73-warga',
          submittedAt: now,
          updatedAt: now,
          slaDueAt,
          nextEscalationAt: new Date(now.getTime() + Math.round(0.8 * 72 * 3_600_000)),
          timeline: [entry],
        }),
        outbox: [],
      });
      reply.status(201);
      return { id, version: 1, status: 'submitted' };
    },
  );

  app.post<{ Params: { id: string; transition: string }; Body: TransitionBody }>(
    '/v1/complaints/:id/:transition',
    { schema: { body: Transition } },
    async (request, reply) => {
      const transition = transitions[request.params.transition];
      if (!transition) return reply.status(404).send({ title: 'Not Found' });
      const { body } = request;
      const now = new Date();
      const set: Record<string, unknown> = { status: transition.to, updatedAt: now };
      if (transition.action === 'assign') {
        Object.assign(set, { agencyId: body.agencyId, assignedOfficerId: body.officerId ?? '', assignedAt: now });
      } else if (transition.action === 'resolve') {
        set.resolution = { note: body.note ?? '', partial: false, at: now };
      } else {
        set.rating = { score: body.score, outcome: body.outcome, at: now };
      }
      const entry: TimelineEntry = {
        id: randomUUID(),
        action: transition.action,
        at: now,
        actorRole: transition.role,
        actorId: '',
        visibility: 'public',
        fromStatus: transition.from[0] as ComplaintStatus,
        toStatus: transition.to,
        note: body.note ?? '',
        details: {},
      };
      const result = await collection.updateOne(
        {
          _id: request.params.id,
          tenantId: tenantOf(request.headers),
          version: body.expectedVersion,
          status: { $in: transition.from },
        },
        { $set: set, $inc: { version: 1 }, $push: { timeline: entry } },
      );
      if (result.matchedCount === 0) return reply.status(409).send({ title: 'Conflict' });
      return { id: request.params.id, version: body.expectedVersion + 1, status: transition.to };
    },
  );

  app.get<{ Querystring: { agencyId: string; status: string; pageSize?: number } }>(
    '/v1/complaints',
    async (request) => {
      const { agencyId, status } = request.query;
      const size = Number(request.query.pageSize ?? 20);
      const documents = await collection
        .find(
          { tenantId: tenantOf(request.headers), agencyId, status: { $in: status.split(',') as ComplaintStatus[] } },
          { projection: { timeline: 0, outbox: 0 } },
        )
        .sort({ slaDueAt: 1, _id: 1 })
        .limit(size + 1)
        .toArray();
      return {
        items: documents.slice(0, size),
        nextPageToken: documents.length > size ? (documents[size - 1]?._id ?? null) : null,
      };
    },
  );

  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, stop: () => app.close() };
}
