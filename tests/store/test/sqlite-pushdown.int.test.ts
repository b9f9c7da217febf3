import { infrastructureEndpoints, testNamespace } from '@balai/testkit';
import fc from 'fast-check';
import { type Collection, type Db, type Document, type Filter, MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';

/**
 * The local store's filter pushdown (deploy/local/ferretdb/patches/02 and 03): the queries the
 * services make are served from the collection's indexes, and pushing a filter down never
 * changes what it finds. The reference for "what it finds" is the same filter wrapped in a
 * top-level `$or`, which the pushdown leaves alone, so FerretDB evaluates it in Go as upstream
 * does. On MongoDB both are MongoDB's own answer; the query-plan checks run on FerretDB only.
 */

const ns = testNamespace(import.meta.filename);
let client: MongoClient;
let db: Db;
let ferretdb = false;

/** Documents of any shape: the point is values of every type in the same fields. */
type Row = Document & { _id: string | number | ObjectId };
let rows: Collection<Row>;

const tenants = ['36.73', '36.71', 'a<b', 'quote"d'];
const agencies = ['dpupr', 'dlh', 'dishub'];
const statuses = ['submitted', 'assigned', 'resolved', 'closed'];

/** Every kind of value a pushed-down field could hold beside the plain strings it is compared with. */
const oddValues: unknown[] = [
  ['submitted', 'closed'],
  ['dpupr'],
  [],
  ['36.73'],
  { nested: 'submitted' },
  null,
  42,
  true,
  '',
  'Submitted',
  'submitted ',
  new Date(0),
];

beforeAll(async () => {
  client = await MongoClient.connect(infrastructureEndpoints().mongoUrl);
  db = client.db(ns.database('store'));
  ferretdb = Boolean((await db.admin().command({ buildInfo: 1 })).ferretdbVersion);
  rows = db.collection<Row>('rows');
  // The shapes of the services' indexes: a compound inbox index and an _id tie-break.
  await rows.createIndex({ tenantId: 1, agencyId: 1, status: 1, version: 1, _id: 1 }, { name: 'inbox' });
  await rows.createIndex({ status: 1, n: 1, _id: 1 }, { name: 'by_status' });
  const documents: Row[] = [];
  for (let n = 0; n < 600; n += 1) {
    documents.push({
      _id: `row-${n}`,
      tenantId: tenants[n % tenants.length],
      agencyId: agencies[n % agencies.length],
      status: statuses[n % statuses.length],
      version: n % 5,
      n,
    });
  }
  oddValues.forEach((odd, index) => {
    documents.push({ _id: `odd-tenant-${index}`, tenantId: odd, agencyId: 'dpupr', status: 'submitted', n: index });
    documents.push({ _id: `odd-agency-${index}`, tenantId: '36.73', agencyId: odd, status: 'submitted', n: index });
    documents.push({ _id: `odd-status-${index}`, tenantId: '36.73', agencyId: 'dpupr', status: odd, n: index });
  });
  documents.push({ _id: 'missing-fields', n: -1 });
  documents.push({
    _id: new ObjectId('6650f0f0f0f0f0f0f0f0f0f0'),
    tenantId: '36.73',
    agencyId: 'dpupr',
    status: 'closed',
  });
  documents.push({ _id: 7, tenantId: '36.73', agencyId: 'dpupr', status: 'closed' });
  await rows.insertMany(documents);
});

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
});

async function idsOf(filter: Filter<Row>): Promise<string[]> {
  const found = await rows.find(filter, { projection: { _id: 1 } }).toArray();
  return found.map((row) => String(row._id)).sort();
}

/** What the filter finds, evaluated without pushdown (a top-level `$or` is left to the handler). */
async function referenceIdsOf(filter: Filter<Row>): Promise<string[]> {
  return idsOf({ $or: [filter] } as Filter<Row>);
}

/** FerretDB's SQLite query plan for a find: one line per plan node. */
async function planOf(filter: Filter<Row>): Promise<string[]> {
  const explained = (await rows.find(filter).explain()) as Document;
  const plan = explained.queryPlanner?.Plan;
  return Array.isArray(plan) ? plan.map(String) : [];
}

function expectIndexOnly(plan: string[], index: string) {
  expect(plan.length, 'a query plan').toBeGreaterThan(0);
  expect(
    plan.filter((line) => /detail=SCAN /.test(line)),
    plan.join('\n'),
  ).toEqual([]);
  expect(
    plan.some((line) => line.includes(`USING INDEX`) && line.includes(index)),
    plan.join('\n'),
  ).toBe(true);
}

/** Query plans are SQLite's: MongoDB's own explain has another shape, and its planner is not in question. */
function onlyOnFerretdb(context: TestContext) {
  if (!ferretdb) context.skip('the store is MongoDB');
}

describe('the local store serves the services’ queries from indexes', () => {
  it('should find by _id through the _id index, whatever else the filter holds', async (context) => {
    onlyOnFerretdb(context);
    expectIndexOnly(await planOf({ _id: 'row-1' }), '__id_');
    expectIndexOnly(await planOf({ _id: 'row-1', version: 1 }), '__id_');
    expectIndexOnly(await planOf({ _id: 'row-1', tenantId: '36.73', version: { $gte: 0 } }), '__id_');
    expectIndexOnly(await planOf({ _id: { $in: ['row-1', 'row-2', 'row-3'] } }), '__id_');
    expectIndexOnly(await planOf({ _id: new ObjectId('6650f0f0f0f0f0f0f0f0f0f0') }), '__id_');
  });

  it('should serve equalities on the leading fields of an index from that index', async (context) => {
    onlyOnFerretdb(context);
    expectIndexOnly(await planOf({ tenantId: '36.73', agencyId: 'dpupr', status: { $in: ['submitted'] } }), 'inbox');
    expectIndexOnly(await planOf({ agencyId: 'dpupr', tenantId: '36.73', n: { $gt: 3 } }), 'inbox');
    expectIndexOnly(await planOf({ $and: [{ tenantId: '36.73' }, { agencyId: 'dpupr' }, { n: { $gt: 3 } }] }), 'inbox');
    expectIndexOnly(await planOf({ $and: [{ tenantId: '36.73' }, { _id: { $in: ['row-0', 'row-4'] } }] }), '__id_');
    expectIndexOnly(
      await planOf({ status: { $in: ['submitted', 'assigned'] }, n: { $ne: null, $lte: 100 } }),
      'by_status',
    );
    // The outbox relay's pending mark.
    expectIndexOnly(await planOf({ status: true, $or: [{ n: { $exists: false } }, { n: { $lt: 5 } }] }), 'by_status');
  });

  it('should leave to the handler what it cannot push down', async (context) => {
    onlyOnFerretdb(context);
    const scan = (plan: string[]) => plan.some((line) => /detail=SCAN /.test(line));
    expect(scan(await planOf({ n: 3 }))).toBe(true);
    expect(scan(await planOf({ $or: [{ tenantId: '36.73' }, { status: 'closed' }] }))).toBe(true);
    expect(scan(await planOf({ tenantId: 'a<b' }))).toBe(true);
    expect(scan(await planOf({ _id: { $in: ['row-1', 7] } }))).toBe(true);
  });
});

describe('pushing a filter down never changes what it finds', () => {
  const cases: Array<[string, Filter<Row>, number]> = [
    ['exact _id', { _id: 'row-5' }, 1],
    ['_id with a version guard that holds', { _id: 'row-5', version: 0 }, 1],
    ['_id with a version guard that fails', { _id: 'row-5', version: 1 }, 0],
    ['_id $in, one missing', { _id: { $in: ['row-1', 'row-2', 'nope'] } }, 2],
    ['ObjectId _id', { _id: new ObjectId('6650f0f0f0f0f0f0f0f0f0f0') }, 1],
    ['numeric _id', { _id: 7 }, 1],
    ['a string that matches array members', { status: 'submitted' }, -1],
    ['$in over arrays', { status: { $in: ['closed', 'assigned'] } }, -1],
    ['$eq', { agencyId: { $eq: 'dpupr' } }, -1],
    ['the inbox filter', { tenantId: '36.73', agencyId: 'dpupr', status: { $in: ['submitted', 'assigned'] } }, -1],
    ['an equality with a range beside it', { tenantId: '36.73', n: { $gte: 10, $lt: 200 } }, -1],
    ['an empty string', { status: '' }, 1],
    ['a boolean', { status: true }, 1],
    ['a boolean in $in', { status: { $in: [false, true] } }, 1],
    ['case and trailing space differ', { status: 'Submitted ' }, 0],
    ['a string that needs an escape', { tenantId: 'quote"d' }, -1],
    ['a whole array', { tenantId: ['36.73'] }, 1],
    ['$in with an array element', { tenantId: { $in: [['36.73'], 'a<b'] } }, -1],
    ['$ne beside $in', { status: { $in: ['submitted', 'closed'], $ne: 'closed' } }, -1],
    ['a field no document has', { missing: 'x' } as Filter<Row>, 0],
    ['the services’ $and form', { $and: [{ tenantId: '36.73' }, { status: { $in: ['submitted'] } }] }, -1],
    ['one field twice in $and', { $and: [{ status: { $in: ['submitted', 'closed'] } }, { status: 'closed' }] }, -1],
    ['_id $in inside $and', { $and: [{ tenantId: '36.73' }, { _id: { $in: ['row-0', 'row-4', 'row-1'] } }] }, 2],
  ];

  it.each(cases)('%s', async (_name, filter, expected) => {
    const found = await idsOf(filter);
    expect(found).toEqual(await referenceIdsOf(filter));
    if (expected >= 0) expect(found).toHaveLength(expected);
    else expect(found.length).toBeGreaterThan(0);
    expect(await rows.countDocuments(filter)).toBe(found.length);
  });

  it('should agree with the unpushed filter on random filters', async () => {
    // Mostly the values the odd documents hold beside their odd field, so that filters often
    // reach the arrays a careless pushdown would lose.
    const value = fc.constantFrom('36.73', 'dpupr', 'submitted', 'closed', '36.71', 'dlh', 'assigned', '', 'a<b');
    const condition = fc.oneof(
      value,
      fc.record({ $eq: value }),
      fc.record({ $in: fc.array(value, { minLength: 1, maxLength: 3 }) }),
    );
    const filter = fc.record({ tenantId: condition, agencyId: condition, status: condition }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(filter, async (generated) => {
        expect(await idsOf(generated as Filter<Row>)).toEqual(await referenceIdsOf(generated as Filter<Row>));
      }),
      { numRuns: 150 },
    );
  });

  it('should update and delete exactly the documents the filter matches', async () => {
    const scratch = db.collection<Row>('scratch');
    await scratch.createIndex({ tenantId: 1, status: 1 });
    await scratch.insertMany([
      { _id: 'a', tenantId: 't1', status: 'open' },
      { _id: 'b', tenantId: 't1', status: ['open', 'closed'] },
      { _id: 'c', tenantId: ['t1', 't2'], status: 'open' },
      { _id: 'd', tenantId: 't2', status: 'open' },
      { _id: 'e', tenantId: 't1', status: 'closed' },
    ]);
    expect((await scratch.updateMany({ tenantId: 't1', status: 'open' }, { $set: { n: 1 } })).modifiedCount).toBe(3);
    expect((await scratch.deleteMany({ tenantId: 't1', status: { $in: ['open'] } })).deletedCount).toBe(3);
    expect((await scratch.find().toArray()).map((row) => row._id).sort()).toEqual(['d', 'e']);
  });
});

describe('version-guarded writes stay atomic with the _id pushed down', () => {
  it('should let exactly one writer win each version of a document', async () => {
    const guarded = db.collection<{ _id: string; version: number; writers: string[] }>('guarded');
    await guarded.insertOne({ _id: 'doc', version: 0, writers: [] });
    const wins: string[] = [];
    // Four clients, each reading the version and writing at it, as a service's transition does.
    await Promise.all(
      [1, 2, 3, 4].map(async (writer) => {
        const connection = await MongoClient.connect(infrastructureEndpoints().mongoUrl);
        try {
          const own = connection
            .db(db.databaseName)
            .collection<{ _id: string; version: number; writers: string[] }>('guarded');
          for (let attempt = 0; attempt < 40; attempt += 1) {
            const current = await own.findOne({ _id: 'doc' });
            const result = await own.updateOne(
              { _id: 'doc', version: current?.version ?? -1 },
              { $inc: { version: 1 }, $push: { writers: `${writer}@${current?.version}` } },
            );
            if (result.modifiedCount === 1) wins.push(`${writer}@${current?.version}`);
          }
        } finally {
          await connection.close();
        }
      }),
    );
    const stored = await guarded.findOne({ _id: 'doc' });
    expect(stored?.version).toBe(wins.length);
    expect(stored?.writers.sort()).toEqual([...wins].sort());
    expect(new Set(stored?.writers.map((entry) => entry.split('@')[1])).size).toBe(wins.length);
  });
});
