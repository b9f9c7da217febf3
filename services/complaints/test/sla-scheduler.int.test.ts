import { connectMongo, createLogger, type OutboxEntry } from '@balai/platform';
import { infrastructureEndpoints, testNamespace } from '@balai/testkit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlaScheduler } from '../src/api/sla-scheduler.js';
import { aDirectory } from '../src/clients/organisation-directory.fixture.js';
import { type ComplaintModel, complaintModel } from '../src/data/complaint.schema.js';
import { backfillSlaSchedules } from '../src/data/complaint-backfill.js';
import { type Complaint, ComplaintRepository } from '../src/data/complaint-repository.js';
import { aComplaint, submittedAt } from '../src/data/complaint-test-factories.fixture.js';
import { escalationDueAt } from '../src/domain/complaint-escalation.js';
import type { SweepResult } from '../src/use-cases/sweep-sla.js';

const ns = testNamespace(import.meta.filename);
const logger = createLogger({ service: 'test', level: 'silent' });
const fractions = [0.8, 1.2, 2];
const hour = 3_600_000;
const at = (hours: number) => new Date(submittedAt.getTime() + hours * hour);
/** Two service instances: each its own connection, repository and scheduler, one database. */
const connections: Connection[] = [];
let model: ComplaintModel;

function instance(connection: Connection, now: () => Date) {
  return new SlaScheduler({
    repository: new ComplaintRepository(complaintModel(connection)),
    directory: aDirectory(),
    clock: now,
    onCommitted: () => {},
    logger,
    fractions,
    // Small batches, so the two instances interleave over many reads and writes.
    batchSize: 7,
  });
}

const open = Array.from({ length: 24 }, (_, n) => `open-${String(n).padStart(2, '0')}`);
const resolved = Array.from({ length: 6 }, (_, n) => `resolved-${n}`);

beforeAll(async () => {
  for (let i = 0; i < 2; i += 1) {
    connections.push(
      await connectMongo({ url: infrastructureEndpoints().mongoUrl, dbName: ns.database('complaints'), logger }),
    );
  }
  model = complaintModel(connections[0] as Connection);
  await model.createCollection();
  await model.syncIndexes();
  const repository = new ComplaintRepository(model);
  const insert = async (complaint: Complaint) => {
    expect(await repository.insert({ ...complaint, outbox: [] })).toBe(true);
  };
  for (const id of open) {
    const complaint = aComplaint({
      _id: id,
      status: 'in_progress',
      assignedOfficerId: 'officer-1',
      assignedAt: at(1),
    });
    await insert({ ...complaint, nextEscalationAt: escalationDueAt(complaint, fractions, 1) });
  }
  for (const id of resolved) {
    await insert(
      aComplaint({
        _id: id,
        status: 'resolved',
        resolution: { note: 'ok', partial: false, at: at(2) },
        reopenableUntil: at(100),
      }),
    );
  }
});

afterAll(async () => {
  await connections[0]?.dropDatabase();
  for (const connection of connections) await connection.close();
});

type Stored = Complaint & { outbox: OutboxEntry[] };

describe('SLA scheduler on several instances (FerretDB)', () => {
  it('should create the indexes named after the scheduler’s queries', async () => {
    const names = (await model.collection.indexes()).map((index) => index.name);
    expect(names).toEqual(expect.arrayContaining(['sla_escalation_due', 'auto_close_due']));
  });

  it('should write each escalation level and each auto-close exactly once when two instances sweep at the same time', async () => {
    const now = () => at(150); // past 80, 120 and 200 % of the 72-hour SLA, and past the reopen window
    const [first, second] = connections.map((connection) => instance(connection, now)) as [SlaScheduler, SlaScheduler];
    const results: SweepResult[] = [];
    // Rounds until nothing is left: a complaint an instance lost a race on waits for the next round.
    for (let round = 0; round < 5; round += 1) {
      const both = await Promise.all([first.sweep(), second.sweep()]);
      results.push(...both);
      if (both.every((result) => result.escalated === 0 && result.closed === 0)) break;
    }
    expect(results.reduce((sum, result) => sum + result.failed, 0)).toBe(0);
    expect(results.reduce((sum, result) => sum + result.escalated, 0)).toBe(open.length * 3);
    expect(results.reduce((sum, result) => sum + result.closed, 0)).toBe(resolved.length);

    const stored = await model.find({}).lean<Stored[]>().exec();
    for (const complaint of stored.filter((c) => open.includes(c._id))) {
      const escalated = complaint.outbox.filter((event) => event.type === 'id.balai.complaints.complaint.escalated.v1');
      expect(escalated.map((event) => (event.data as { level: number }).level)).toEqual([1, 2, 3]);
      expect(complaint.timeline.filter((entry) => entry.action === 'escalate')).toHaveLength(3);
      expect(complaint).toMatchObject({ escalationLevel: 3, nextEscalationAt: null, version: 4 });
    }
    for (const complaint of stored.filter((c) => resolved.includes(c._id))) {
      const closed = complaint.outbox.filter((event) => event.type === 'id.balai.complaints.complaint.closed.v1');
      expect(closed.map((event) => (event.data as { cause: string }).cause)).toEqual(['auto_closed']);
      expect(complaint).toMatchObject({ status: 'closed', version: 2 });
    }
  });

  it('should give complaints stored before the scheduler existed their schedule, once', async () => {
    // As such documents are stored: without escalationLevel, nextEscalationAt or reopenableUntil.
    const legacy = (complaint: Complaint) => {
      const { escalationLevel: _l, nextEscalationAt: _n, reopenableUntil: _r, ...rest } = complaint;
      return { ...rest, outbox: [] };
    };
    await model.collection.insertMany([
      legacy(aComplaint({ _id: 'legacy-open' })),
      legacy(
        aComplaint({
          _id: 'legacy-resolved',
          status: 'resolved',
          resolution: { note: 'ok', partial: false, at: at(2) },
        }),
      ),
      legacy(aComplaint({ _id: 'legacy-closed', status: 'closed' })),
    ] as never);
    const repository = new ComplaintRepository(model);
    const deps = { repository, directory: aDirectory({ reopenWindowDays: 7 }), fractions, logger };
    expect(await backfillSlaSchedules(deps, { batchSize: 2, maxBatches: 5 })).toEqual({ updated: 3, finished: true });
    expect(await backfillSlaSchedules(deps)).toEqual({ updated: 0, finished: true });
    const byId = (id: string) => model.findById(id).lean<Stored>().exec();
    expect(await byId('legacy-open')).toMatchObject({ escalationLevel: 0, nextEscalationAt: at(57.6), version: 1 });
    expect(await byId('legacy-resolved')).toMatchObject({
      escalationLevel: 0,
      nextEscalationAt: null,
      reopenableUntil: new Date(at(2).getTime() + 7 * 24 * hour),
    });
    expect(await byId('legacy-closed')).toMatchObject({
      escalationLevel: 0,
      nextEscalationAt: null,
      reopenableUntil: null,
    });
    // The scheduler now takes the open one up like any other.
    const result = await instance(connections[0] as Connection, () => at(60)).sweep();
    expect(result).toMatchObject({ escalated: 1, failed: 0 });
    expect(await byId('legacy-open')).toMatchObject({ escalationLevel: 1, nextEscalationAt: at(86.4) });
  });
});
