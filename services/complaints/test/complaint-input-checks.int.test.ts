import { complaintsV1 } from '@balai/contracts';
import { AppError, type CallContext, callUnary, connectMongo, createGrpcClient, createLogger } from '@balai/platform';
import { infrastructureEndpoints, testNamespace } from '@balai/testkit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningComplaints, startComplaints } from '../src/app.js';
import { loadComplaintsConfig } from '../src/config.js';
import { type ComplaintModel, complaintModel } from '../src/data/complaint.schema.js';

/*
 * Issue 11 (security probe) over the complaints service's own gRPC API, which other callers than
 * the gateway reach: media URLs that are not public https URLs, and control characters in free
 * text, are refused with VALIDATION_FAILED naming the field, and nothing is stored.
 */

const ns = testNamespace(import.meta.filename);
let service: RunningComplaints;
let client: complaintsV1.ComplaintsServiceClient;
let connection: Connection;
let model: ComplaintModel;
let requests = 0;

const citizen: CallContext = { tenantId: '36.73', requestId: '', subject: 'citizen-int-1', roles: ['citizen'] };
const submission = complaintsV1.SubmitComplaintRequest.fromPartial({
  categoryCode: 'roads.pothole',
  description: 'Lubang besar di Jalan Ahmad Yani',
  latitude: -6.12,
  longitude: 106.15,
});

function submit(request: Partial<complaintsV1.SubmitComplaintRequest>) {
  requests += 1;
  return callUnary(
    client.submitComplaint.bind(client),
    { ...submission, ...request },
    { ...citizen, requestId: `r-${requests}` },
    10_000,
  );
}

function comment(complaintId: string, text: string) {
  requests += 1;
  return callUnary(
    client.commentOnComplaint.bind(client),
    { complaintId, expectedVersion: 1, text, visibility: 'public' },
    { ...citizen, requestId: `r-${requests}` },
    10_000,
  );
}

/** The AppError a call failed with; a call that succeeds or fails otherwise fails the test. */
async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  const { kafkaBrokers, mongoUrl } = infrastructureEndpoints();
  service = await startComplaints(
    loadComplaintsConfig({
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      HTTP_PORT: '0',
      GRPC_PORT: '0',
      MONGO_URL: mongoUrl,
      MONGO_DB: ns.database('complaints'),
      KAFKA_BROKERS: kafkaBrokers,
      KAFKA_TOPIC_PREFIX: ns.topicPrefix,
      SEED_DEMO_DATA: 'true',
      SLA_SCHEDULER_INTERVAL_MS: '0',
      // Submitting needs no identity; nothing listens here.
      IDENTITY_GRPC_TARGET: '127.0.0.1:9',
      IDENTITY_GRPC_DEADLINE_MS: '200',
    }),
  );
  client = createGrpcClient(complaintsV1.ComplaintsServiceClient, `127.0.0.1:${service.grpcPort}`);
  connection = await connectMongo({
    url: mongoUrl,
    dbName: ns.database('complaints'),
    logger: createLogger({ service: 'test', level: 'silent' }),
  });
  model = complaintModel(connection);
});

afterAll(async () => {
  client?.close();
  await connection?.dropDatabase();
  await connection?.close();
  await service?.stop();
});

describe('SubmitComplaint over gRPC: media URLs and free text', () => {
  it('should refuse media URLs that are not public https URLs, naming each, and store nothing', async () => {
    const error = await failureOf(
      submit({
        idempotencyKey: 'media-1',
        mediaUrls: [
          'https://169.254.169.254/latest/meta-data',
          'https://[::1]/a.jpg',
          'http://cdn.example.org/a.jpg',
          'https://user:pw@cdn.example.org/a.jpg',
          'https://cdn.example.org/<script>',
        ],
      }),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual([
      { field: '/mediaUrls/0', message: 'must not point to a private, loopback, link-local or reserved address' },
      { field: '/mediaUrls/1', message: 'must not point to a private, loopback, link-local or reserved address' },
      { field: '/mediaUrls/2', message: 'must be an https URL' },
      { field: '/mediaUrls/3', message: 'must not contain credentials (user:password@)' },
      {
        field: '/mediaUrls/4',
        message: 'must not contain whitespace, quotes, angle brackets, backticks or backslashes',
      },
    ]);
    expect(await model.countDocuments({})).toBe(0);
  });

  it('should refuse a description with NUL, and one with a C1 control, and store nothing', async () => {
    for (const description of ['Lubang besar\u0000 di Jalan Ahmad Yani', 'Lubang besar\u009b di Jalan Ahmad Yani']) {
      const error = await failureOf(submit({ description }));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details).toEqual([
        { field: '/description', message: expect.stringMatching(/^must not contain control characters \(found U\+00/) },
      ]);
    }
    expect(await model.countDocuments({})).toBe(0);
  });

  it('should store what it takes normalised: the URL parser’s form of the media URL, LF line endings, emoji kept', async () => {
    const { complaint } = await submit({
      description: 'Lubang besar 😡\r\n\t- di depan Café Ñusantara',
      mediaUrls: ['HTTPS://CDN.Example.org:443/Foto/1.jpg', 'https://例え.jp/x.png'],
    });
    expect(complaint).toMatchObject({
      description: 'Lubang besar 😡\n\t- di depan Café Ñusantara',
      mediaUrls: ['https://cdn.example.org/Foto/1.jpg', 'https://xn--r8jz45g.jp/x.png'],
    });
    const stored = await model.findById(complaint?.id).lean();
    expect(stored).toMatchObject({
      description: 'Lubang besar 😡\n\t- di depan Café Ñusantara',
      mediaUrls: ['https://cdn.example.org/Foto/1.jpg', 'https://xn--r8jz45g.jp/x.png'],
      version: 1,
    });

    // A comment with a control character changes nothing either.
    const error = await failureOf(comment(complaint?.id ?? '', 'Masih\u0007 berlubang'));
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: '/text' }] });
    expect(await model.findById(complaint?.id).lean()).toMatchObject({ version: 1, timeline: [{ action: 'submit' }] });
    expect(await model.countDocuments({})).toBe(1);
  });
});
