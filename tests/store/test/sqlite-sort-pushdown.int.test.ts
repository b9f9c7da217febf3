import { infrastructureEndpoints, testNamespace } from '@balai/testkit';
import fc from 'fast-check';
import { type Collection, type Db, type Document, type Filter, MongoClient, ObjectId, type Sort } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';

/**
 * The local store's sort pushdown (deploy/local/ferretdb/patches/04): a sorted find reads a
 * MongoDB-ordered index in order and the handler stops after the page. Whatever it reads, the
 * page must be the one the handler's own sort gives. The reference is the same find with one more
 * sort key on a field no document has: it changes no order (every document has null there), but
 * no index ends with it, so FerretDB sorts in Go as upstream does. On MongoDB both are MongoDB's.
 */

const ns = testNamespace(import.meta.filename);
let client: MongoClient;
let db: Db;

/** Documents of any shape: the point is values of every type in the same fields. */
type Row = Document & { _id: string | number | ObjectId };
let rows: Collection<Row>;
let ferretdb = false;

const day = 86_400_000;
const base = Date.UTC(2026, 0, 1);

/** Values the JSON text of a field orders unlike MongoDB, beside plain dates. */
const dueValues: unknown[] = [
  new Date(base),
  new Date(base + day),
  new Date(base - 400 * 365 * day), // negative milliseconds
  new Date(base + 300 * 365 * day), // 14 digits of milliseconds
  new Date(0),
  'ab',
  'ab!',
  'ab ',
  '',
  'Ab',
  'ä',
  5,
  -1.5,
  2 ** 60,
  null,
  true,
  new ObjectId('6650f0f0f0f0f0f0f0f0f0f0'),
  [new Date(base + 2 * day), new Date(base - day)],
  [],
  { at: new Date(base) },
];
const statuses = ['open', 'assigned', 'closed'];

beforeAll(async () => {
  client = await MongoClient.connect(infrastructureEndpoints().mongoUrl);
  db = client.db(ns.database('store'));
  ferretdb = Boolean((await db.admin().command({ buildInfo: 1 })).ferretdbVersion);
  rows = db.collection<Row>('sorted');
  await rows.createIndex({ tenantId: 1, status: 1, due: 1, _id: 1 }, { name: 'inbox' });
  await rows.createIndex({ tenantId: 1, due: -1, _id: -1 }, { name: 'newest' });
  const documents: Row[] = [];
  for (let n = 0; n < 400; n += 1) {
    documents.push({
      _id: n % 7 === 0 ? `row-${n}!` : `row-${n}`,
      tenantId: n % 5 === 0 ? '36.71' : '36.73',
      status: statuses[n % statuses.length],
      // Most due dates are plain; every third document holds one of the awkward values.
      due: n % 3 === 0 ? dueValues[n % dueValues.length] : new Date(base + ((n * 7919) % 500) * 3_600_000),
      n,
    });
  }
  documents.push({ _id: 'no-due', tenantId: '36.73', status: 'open', n: -1 });
  documents.push({ _id: 'status-array', tenantId: '36.73', status: ['open', 'closed'], due: new Date(base), n: -2 });
  documents.push({ _id: 'tenant-array', tenantId: ['36.73'], status: 'open', due: new Date(base + day), n: -3 });
  documents.push({ _id: 7, tenantId: '36.73', status: 'open', due: new Date(base), n: -4 });
  documents.push({
    _id: new ObjectId('6650f0f0f0f0f0f0f0f0f0f1'),
    tenantId: '36.73',
    status: 'open',
    due: new Date(base),
  });
  await rows.insertMany(documents);
});

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
});

async function page(filter: Filter<Row>, sort: Sort, skip: number, limit: number): Promise<string[]> {
  const found = await rows
    .find(filter, { projection: { _id: 1 } })
    .sort(sort)
    .skip(skip)
    .limit(limit)
    .toArray();
  return found.map((row) => String(row._id));
}

/** The same page sorted by the handler in Go: one more sort key no index has. */
async function referencePage(filter: Filter<Row>, sort: Record<string, 1 | -1>, skip: number, limit: number) {
  return page(filter, { ...sort, zzzNoSuchField: 1 }, skip, limit);
}

describe('a sorted find read in index order gives the handler’s page', () => {
  const cases: Array<[string, Filter<Row>, Record<string, 1 | -1>]> = [
    ['the inbox: pinned tenant and status, by due', { tenantId: '36.73', status: 'open' }, { due: 1, _id: 1 }],
    ['two statuses merged', { tenantId: '36.73', status: { $in: ['open', 'assigned'] } }, { due: 1, _id: 1 }],
    ['backwards through the index', { tenantId: '36.73', status: 'closed' }, { due: -1, _id: -1 }],
    ['the newest first across the tenant', { tenantId: '36.73' }, { due: -1, _id: -1 }],
    [
      'a date range on the sort field',
      { tenantId: '36.73', due: { $gte: new Date(base), $lt: new Date(base + 5 * day) } },
      { due: -1, _id: -1 },
    ],
    ['a string range', { tenantId: '36.73', status: 'open', due: { $gt: 'a' } }, { due: 1, _id: 1 }],
    ['a filter beside the pinned fields', { tenantId: '36.73', n: { $gte: 100 } }, { due: -1, _id: -1 }],
    ['the services’ $and form', { $and: [{ tenantId: '36.73' }, { status: { $in: ['open'] } }] }, { due: 1, _id: 1 }],
  ];

  it.each(cases)('%s', async (_name, filter, sort) => {
    for (const [skip, limit] of [
      [0, 5],
      [0, 21],
      [3, 10],
      [0, 0],
    ] as const) {
      expect(await page(filter, sort, skip, limit), `skip ${skip}, limit ${limit}`).toEqual(
        await referencePage(filter, sort, skip, limit),
      );
    }
  });

  it('should give the handler’s page for random finds', async () => {
    const statusCondition = fc.oneof(
      fc.constantFrom(...statuses),
      fc.record({ $in: fc.uniqueArray(fc.constantFrom(...statuses), { minLength: 1, maxLength: 3 }) }),
    );
    const dueRange = fc.record(
      {
        $gte: fc.integer({ min: -3, max: 25 }).map((days) => new Date(base + days * day)),
        $lt: fc.integer({ min: -3, max: 25 }).map((days) => new Date(base + days * day)),
      },
      { requiredKeys: [] },
    );
    const find = fc.record({
      filter: fc.record(
        { tenantId: fc.constantFrom('36.73', '36.71'), status: statusCondition, due: dueRange },
        { requiredKeys: ['tenantId'] },
      ),
      direction: fc.constantFrom(1 as const, -1 as const),
      skip: fc.integer({ min: 0, max: 30 }),
      limit: fc.integer({ min: 0, max: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(find, async ({ filter, direction, skip, limit }) => {
        const sort = { due: direction, _id: direction };
        expect(await page(filter as Filter<Row>, sort, skip, limit)).toEqual(
          await referencePage(filter as Filter<Row>, sort, skip, limit),
        );
      }),
      { numRuns: 120 },
    );
  });

  it('should keep a cursor’s later batches in order', async () => {
    const filter = { tenantId: '36.73' };
    const sort = { due: 1, _id: 1 } as const;
    const batched = await rows
      .find(filter, { projection: { _id: 1 }, batchSize: 7 })
      .sort(sort)
      .toArray();
    expect(batched.map((row) => String(row._id))).toEqual(await referencePage(filter, sort, 0, 0));
  });
});

describe('the local store reads a sorted page from an ordered index', () => {
  /** Query plans are SQLite's: MongoDB's explain has another shape. */
  function onlyOnFerretdb(context: TestContext) {
    if (!ferretdb) context.skip('the store is MongoDB');
  }

  async function explained(filter: Filter<Row>, sort: Sort) {
    const result = (await rows.find(filter).sort(sort).limit(20).explain()) as Document;
    return {
      sortPushdown: result.sortPushdown as boolean,
      plan: (result.queryPlanner?.Plan ?? []).map(String) as string[],
    };
  }

  it('should search the order index and sort nothing itself', async (context) => {
    onlyOnFerretdb(context);
    for (const [filter, sort, index] of [
      [{ tenantId: '36.73', status: { $in: ['open', 'assigned'] } }, { due: 1, _id: 1 }, 'inbox_balai_order'],
      [{ tenantId: '36.73' }, { due: -1, _id: -1 }, 'newest_balai_order'],
      [{ tenantId: '36.73', due: { $lt: new Date(base) } }, { due: -1, _id: -1 }, 'newest_balai_order'],
    ] as const) {
      const { sortPushdown, plan } = await explained(filter, sort);
      expect(sortPushdown, plan.join('\n')).toBe(true);
      expect(
        plan.some((line) => line.includes('SEARCH') && line.includes(index)),
        plan.join('\n'),
      ).toBe(true);
      expect(
        plan.filter((line) => /TEMP B-TREE|detail=SCAN /.test(line)),
        plan.join('\n'),
      ).toEqual([]);
    }
  });

  it('should leave to the handler a sort no index can give', async (context) => {
    onlyOnFerretdb(context);
    expect((await explained({ tenantId: '36.73' }, { n: 1 })).sortPushdown).toBe(false);
    expect((await explained({ status: 'open' }, { due: 1 })).sortPushdown).toBe(false);
    expect((await explained({ tenantId: '36.73', _id: { $in: ['row-1'] } }, { due: -1, _id: -1 })).sortPushdown).toBe(
      false,
    );
  });
});
