import { ok, type Schema } from '@balai/client';
import {
  eventually,
  infrastructureEndpoints,
  readTopicRecords,
  signInWithPassword,
  testNamespace,
} from '@balai/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  apiResource,
  callApi,
  signInNewCitizen,
  startComplaintsFor,
  startGatewayFor,
  startIdentityFor,
  type TestIdentity,
  webClient,
} from './helpers.js';

const ns = testNamespace(import.meta.filename);
const tenant = '36.73';
const demoPassword = 'sandi demo untuk uji eskalasi';
/** The demo officer of Dinas PUPR Kota Serang reports to the demo supervisor (demo-accounts.ts). */
const officerId = 'demo-36.73-petugas';
const supervisorId = 'demo-36.73-supervisor';
const hour = 3_600_000;

let identity: TestIdentity;
let complaints: Awaited<ReturnType<typeof startComplaintsFor>>;
let gateway: Awaited<ReturnType<typeof startGatewayFor>>;
/** Complaints' clock, moved by the test; the SLA scheduler's timer is off and the test sweeps. */
let now = new Date();
const tokens = { citizen: '', officer: '', supervisor: '' };

async function demoSignIn(login: string): Promise<string> {
  const signedIn = await signInWithPassword({
    issuer: identity.issuer,
    ...webClient,
    tenant,
    login,
    password: demoPassword,
    resource: apiResource,
  });
  return signedIn.tokens.access_token;
}

beforeAll(async () => {
  identity = await startIdentityFor(ns, {}, { DEMO_PASSWORD: demoPassword });
  complaints = await startComplaintsFor(
    ns,
    { identityGrpcPort: identity.service.grpcPort },
    { clock: () => now, env: { SLA_SCHEDULER_INTERVAL_MS: '0' } },
  );
  gateway = await startGatewayFor({ complaints: complaints.grpcPort }, identity);
  tokens.citizen = (await signInNewCitizen(gateway.url, identity, tenant)).accessToken;
  tokens.officer = await demoSignIn('petugas.pupr@serang.example');
  tokens.supervisor = await demoSignIn('supervisor.pupr@serang.example');
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([complaints?.stop(), identity?.service.stop()]);
});

/** A complaint as the API answers it (the client's type, from the OpenAPI document). */
type ComplaintJson = Schema<'Complaint'>;

function call(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return callApi(gateway.url, method, path, { token, body, tenant });
}

async function complaintAs(token: string, id: string): Promise<ComplaintJson> {
  return ok(apiClient(gateway.url, { token, tenant }).GET('/v1/complaints/{id}', { params: { path: { id } } }));
}

describe('SLA escalation through the whole platform', () => {
  it('should escalate at 80 % and 120 % of the SLA to the officer’s supervisor, not reset by reassignment', async () => {
    const submitted = await call('POST', '/v1/complaints', tokens.citizen, {
      categoryCode: 'roads.pothole',
      description: 'Lubang besar di Jalan Veteran dekat alun-alun, membahayakan pengendara',
      latitude: -6.1187,
      longitude: 106.1522,
      attributes: [{ code: 'road_type', values: ['city'] }],
    });
    expect(submitted.status).toBe(201);
    const created = (await submitted.json()) as ComplaintJson;
    const submittedAt = Date.parse(created.submittedAt);
    const sla = Date.parse(created.slaDueAt) - submittedAt;
    expect(sla).toBe(72 * hour);
    const fraction = (f: number) => new Date(submittedAt + f * sla);

    const assigned = await call('POST', `/v1/complaints/${created.id}/assignment`, tokens.officer, {
      expectedVersion: 1,
      agencyId: 'dpupr',
      officerId,
    });
    expect(assigned.status).toBe(200);

    now = new Date(fraction(0.8).getTime() - 1000);
    expect(await complaints.sweepSla()).toMatchObject({ escalated: 0 });
    now = fraction(0.8);
    expect(await complaints.sweepSla()).toMatchObject({ escalated: 1, failed: 0 });

    const escalated = await complaintAs(tokens.officer, created.id);
    expect(escalated).toMatchObject({
      view: 'staff',
      status: 'in_progress',
      assignedOfficerId: supervisorId,
      escalationLevel: 1,
      nextEscalationAt: fraction(1.2).toISOString(),
    });
    expect(escalated.timeline.at(-1)).toMatchObject({
      action: 'escalate',
      actorRole: 'system',
      details: { level: '1', fromOfficerId: officerId, toOfficerId: supervisorId },
    });

    // The supervisor hands it back to the officer: the schedule stays as it was.
    const back = await call('POST', `/v1/complaints/${created.id}/assignment`, tokens.supervisor, {
      expectedVersion: escalated.version,
      agencyId: 'dpupr',
      officerId,
    });
    expect(back.status).toBe(200);
    expect(await back.json()).toMatchObject({ assignedOfficerId: officerId, escalationLevel: 1 });

    // Past the deadline the citizen sees it overdue, without any officer's id.
    now = fraction(1.05);
    expect(await complaints.sweepSla()).toMatchObject({ escalated: 0 });
    const publicView = await complaintAs(tokens.citizen, created.id);
    expect(publicView).toMatchObject({ view: 'public', overdue: true, assignedOfficerId: null, escalationLevel: 1 });
    expect(publicView.nextEscalationAt).toBeNull();
    const publicText = JSON.stringify(publicView.timeline);
    expect(publicText).not.toContain(officerId);
    expect(publicText).not.toContain(supervisorId);
    expect(publicView.timeline.map((entry) => entry.action)).toContain('escalate');

    now = fraction(1.2);
    expect(await complaints.sweepSla()).toMatchObject({ escalated: 1, failed: 0 });
    expect(await complaintAs(tokens.officer, created.id)).toMatchObject({
      assignedOfficerId: supervisorId,
      escalationLevel: 2,
      nextEscalationAt: fraction(2).toISOString(),
    });

    // Each level once on the stream, with ids and the level only.
    const topic = `${ns.topicPrefix}balai.complaints.v1`;
    const events = await eventually(
      async () => {
        const found = (await readTopicRecords({ brokers: infrastructureEndpoints().kafkaBrokers, topic })).filter(
          (record) =>
            record.key === created.id && record.headers.ce_type === 'id.balai.complaints.complaint.escalated.v1',
        );
        return found.length >= 2 ? found : undefined;
      },
      { what: 'the escalated events on the topic' },
    );
    expect(events.map((record) => JSON.parse(record.value ?? '{}'))).toEqual([
      expect.objectContaining({ level: 1, fromOfficerId: officerId, toOfficerId: supervisorId, agencyId: 'dpupr' }),
      expect.objectContaining({ level: 2, fromOfficerId: officerId, toOfficerId: supervisorId, agencyId: 'dpupr' }),
    ]);
    expect(events.map((record) => record.value).join('\n')).not.toContain('Veteran');
  });
  it('should send an unassigned complaint to the agency’s supervisor, and check assignments against identity', async () => {
    now = new Date();
    const submitted = await call('POST', '/v1/complaints', tokens.citizen, {
      categoryCode: 'roads.pothole',
      description: 'Jalan retak panjang di depan sekolah dasar, air menggenang saat hujan',
      latitude: -6.1201,
      longitude: 106.1555,
      attributes: [{ code: 'road_type', values: ['city'] }],
    });
    const created = (await submitted.json()) as ComplaintJson;

    for (const [body, field] of [
      [{ agencyId: 'dinas-entah', officerId }, '/agencyId'],
      [{ agencyId: 'dlh', officerId }, '/officerId'],
      [{ agencyId: 'dpupr', officerId: 'demo-36.73-analis' }, '/officerId'],
      [{ agencyId: 'dpupr', officerId: 'demo-36.71-petugas' }, '/officerId'],
    ] as const) {
      const refused = await call('POST', `/v1/complaints/${created.id}/assignment`, tokens.officer, {
        expectedVersion: 1,
        ...body,
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field }] });
    }

    now = new Date(
      Date.parse(created.submittedAt) + 0.8 * (Date.parse(created.slaDueAt) - Date.parse(created.submittedAt)),
    );
    expect(await complaints.sweepSla()).toMatchObject({ escalated: 1, failed: 0 });
    const escalated = await complaintAs(tokens.supervisor, created.id);
    expect(escalated).toMatchObject({
      status: 'submitted',
      assignedOfficerId: supervisorId,
      escalationLevel: 1,
      version: 2,
    });
    expect(escalated.timeline.at(-1)?.details).toMatchObject({
      escalatedTo: 'agency_supervisor',
      toOfficerId: supervisorId,
    });
  });
});
