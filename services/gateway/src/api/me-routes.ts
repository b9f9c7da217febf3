import type { identityV1 } from '@balai/contracts';
import { AppError, type Role, roles } from '@balai/platform';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { callerContext, contextInTenant } from '../domain/caller-context.js';
import { AgencyId, AnyRole } from './account-schemas.js';
import { jsonResponse, ListEnvelope, ProblemResponses, TenantHeader } from './schemas.js';

const CurrentUserSchema = Type.Object(
  {
    id: Type.String({ description: 'The user id: the `sub` of the access token', examples: ['demo-36.73-citizen'] }),
    kind: Type.Union([Type.Literal('citizen'), Type.Literal('staff')]),
    fullName: Type.String({ examples: ['Siti Rahmawati'] }),
    status: Type.Union([Type.Literal('pending'), Type.Literal('active'), Type.Literal('deactivated')]),
    roles: Type.Array(AnyRole),
    email: Type.Union([Type.String({ format: 'email' }), Type.Null()], {
      description:
        'The e-mail address identity holds (lower-cased). null without one, or when the token lacks the `email` scope',
      examples: ['siti@example.id'],
    }),
    emailVerified: Type.Boolean(),
    phone: Type.Union([Type.String({ pattern: '^\\+62[0-9]{8,13}$' }), Type.Null()], {
      description:
        'The mobile number identity holds, as +62…. null without one, or when the token lacks the `phone` scope',
      examples: ['+6281234567890'],
    }),
    phoneVerified: Type.Boolean(),
    tenant: Type.Object(
      { id: Type.String({ examples: ['36.73'] }), name: Type.String({ examples: ['Kota Serang'] }) },
      { description: 'The tenant the access token is for' },
    ),
    agency: Type.Union(
      [
        Type.Object({
          id: Type.String({ examples: ['dpupr'] }),
          name: Type.String({ examples: ['Dinas Pekerjaan Umum dan Penataan Ruang'] }),
          shortName: Type.String({ examples: ['Dinas PUPR'] }),
        }),
        Type.Null(),
      ],
      { description: "A staff member's agency; null for everyone else" },
    ),
    verifiedCitizen: Type.Boolean({
      description:
        'An active citizen with a proven e-mail address or phone number (what permit applications require); ' +
        'false for staff',
    }),
  },
  {
    $id: 'CurrentUser',
    description:
      'The signed-in user as identity knows them now (roles and agency may have changed since the token was ' +
      'issued). Never the NIK.',
  },
);

const AssignableOfficerSchema = Type.Object(
  {
    id: Type.String({ description: 'Send it as officerId to assign a complaint', examples: ['demo-36.73-officer'] }),
    fullName: Type.String({ examples: ['Andi Pratama'] }),
    roles: Type.Array(AnyRole, { description: 'officer and/or supervisor, and any other roles they hold' }),
  },
  { $id: 'AssignableOfficer', description: 'An active officer or supervisor of the agency; no contact details' },
);

const AssignableOfficerPage = ListEnvelope(AssignableOfficerSchema);

const currentUserExample = {
  id: '0b9e4f2c-7d1a-4e38-a5c6-2f8d9b1e3c47',
  kind: 'staff',
  fullName: 'Andi Pratama',
  status: 'active',
  roles: ['officer'],
  email: 'andi.pratama@serangkota.go.id',
  emailVerified: true,
  phone: null,
  phoneVerified: false,
  tenant: { id: '36.73', name: 'Kota Serang' },
  agency: { id: 'dpupr', name: 'Dinas Pekerjaan Umum dan Penataan Ruang Kota Serang', shortName: 'Dinas PUPR' },
  verifiedCitizen: false,
};

const officerPageExample = {
  items: [
    { id: '0b9e4f2c-7d1a-4e38-a5c6-2f8d9b1e3c47', fullName: 'Andi Pratama', roles: ['officer'] },
    { id: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d', fullName: 'Dewi Lestari', roles: ['supervisor'] },
  ],
  nextPageToken: 'WyJkcHVwciIsIkRld2kgTGVzdGFyaSIsIjlhOGI3YzZkLTVlNGYtNGEzYi0yYzFkLTBlOWY4YTdiNmM1ZCJd',
};

const PageQuery = Type.Object(
  {
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'Default 50' })),
    pageToken: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]{1,1024}$',
        description: 'The nextPageToken of the previous page of the same agency (else 400)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Identity shows contacts to their owner; the app sees them only with the OIDC scope for each. */
function toCurrentUser(answer: identityV1.GetCurrentUserResponse, scopes: readonly string[]) {
  const { user, tenant, agency } = answer;
  if (!user || !tenant) throw new Error('identity answered without the user or the tenant');
  return {
    id: user.id,
    kind: user.kind as 'citizen' | 'staff',
    fullName: user.fullName,
    status: user.status as 'pending' | 'active' | 'deactivated',
    roles: user.roles as Role[],
    email: scopes.includes('email') && answer.email !== '' ? answer.email : null,
    emailVerified: user.emailVerified,
    phone: scopes.includes('phone') && answer.phone !== '' ? answer.phone : null,
    phoneVerified: user.phoneVerified,
    tenant: { id: tenant.id, name: tenant.name },
    agency: agency ? { id: agency.id, name: agency.name, shortName: agency.shortName } : null,
    verifiedCitizen: answer.verifiedCitizen,
  };
}

/** The token's own tenant: a platform admin's X-Balai-Tenant names where they act, not who they are. */
function ownContext(request: FastifyRequest) {
  const caller = request.caller;
  if (!caller) throw new AppError('UNAUTHENTICATED', 'Send an access token');
  return contextInTenant(request, caller.tenantId);
}

/** The signed-in user's own account, and the colleagues a complaint may be assigned to. */
export const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { identity } = app.upstreams;

  app.get(
    '/v1/me',
    {
      config: { access: { roles: [...roles] } },
      schema: {
        operationId: 'getCurrentUser',
        summary: 'The signed-in user: profile, roles, tenant and agency',
        description:
          "Any signed-in user, from identity's current records. The e-mail address and phone number are shown " +
          'only when the access token holds the `email` and `phone` scopes (as userinfo does). A machine ' +
          "client's token (client credentials) is no user: 404 USER_NOT_FOUND.",
        tags: ['accounts'],
        response: {
          200: jsonResponse('The signed-in user', CurrentUserSchema, currentUserExample),
          ...ProblemResponses,
        },
      },
    },
    async (request) => {
      const answer = await identity.getCurrentUser({}, ownContext(request));
      return toCurrentUser(answer, request.caller?.scopes ?? []);
    },
  );

  app.get(
    '/v1/agencies/:agencyId/officers',
    {
      config: { access: { roles: ['officer', 'supervisor', 'tenant_admin', 'platform_admin'] } },
      schema: {
        operationId: 'listAssignableOfficers',
        summary: "An agency's officers a complaint may be assigned to",
        description:
          'The active officers and supervisors of the agency, by name: exactly whom ' +
          'POST /v1/complaints/{id}/assignment accepts as officerId for it. Officers and supervisors see their own ' +
          "agency's (another agency is 403 FORBIDDEN); tenant admins and platform admins any agency of the tenant " +
          '(404 AGENCY_NOT_FOUND for an unknown one). Names and roles only, no contact details.',
        tags: ['agencies'],
        headers: TenantHeader,
        params: Type.Object({ agencyId: AgencyId }),
        querystring: PageQuery,
        response: {
          200: jsonResponse(
            "A page of the agency's assignable officers, by name",
            AssignableOfficerPage,
            officerPageExample,
          ),
          ...ProblemResponses,
        },
      },
    },
    async (request) => {
      const { users, nextPageToken } = await identity.listAgencyOfficers(
        {
          agencyId: request.params.agencyId,
          pageSize: request.query.pageSize ?? 50,
          pageToken: request.query.pageToken ?? '',
        },
        callerContext(request),
      );
      return {
        items: users.map((user) => ({ id: user.id, fullName: user.fullName, roles: user.roles as Role[] })),
        nextPageToken: nextPageToken || null,
      };
    },
  );
};
