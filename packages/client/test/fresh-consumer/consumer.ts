import { BalaiApiError, createBalaiClient, ok, type Problem, TokenManager } from '@balai/client';

// What a front-end project writes: a client with a refreshing token source, typed calls.
const tokens = new TokenManager({
  tokenEndpoint: 'https://api.balai.example/oidc/token',
  clientId: 'balai-web',
  resource: 'urn:balai:api',
});
const api = createBalaiClient({ baseUrl: 'https://api.balai.example', tenant: '36.73', language: 'en', auth: tokens });

export async function myOpenComplaints(): Promise<string[]> {
  const { data, error } = await api.GET('/v1/complaints', {
    params: { query: { mine: true, status: ['submitted', 'in_progress'], order: 'newest' } },
  });
  if (error) {
    const problem: Problem = error;
    throw new Error(`${problem.status} ${problem.code}`);
  }
  return data.items.map((complaint) => `${complaint.id}: ${complaint.status}`);
}

export async function complaintStatus(id: string): Promise<string | null> {
  try {
    const complaint = await ok(api.GET('/v1/complaints/{id}', { params: { path: { id } } }));
    return complaint.status;
  } catch (error) {
    if (error instanceof BalaiApiError && error.status === 404) return null;
    throw error;
  }
}
