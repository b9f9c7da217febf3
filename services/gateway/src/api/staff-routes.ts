import type { identityV1 } from '@balai/contracts';
import { boundedText, isRole, tenantId, tenantSettingFields } from '@balai/platform';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { anonymousContext, callerContext } from '../domain/caller-context.js';
import {
  AgencyId,
  AgencySchema,
  Email,
  FullName,
  MobilePhone,
  StaffRole,
  UserId,
  UserSchema,
} from './account-schemas.js';
import { agencyExample, officerExample, tenantSettingsExample } from './openapi-examples.js';
import {
  BodyProblemResponses,
  int32Maximum,
  jsonResponse,
  ListEnvelope,
  ProblemResponses,
  TenantHeader,
  wholeList,
} from './schemas.js';

const admins = { roles: ['tenant_admin', 'platform_admin'] } as const;
function toUser(user: identityV1.User | undefined) {
  if (!user) throw new Error('identity answered without a user');
  return {
    ...user,
    kind: user.kind as 'citizen' | 'staff',
    // Identity stores only the platform's roles; one this gateway does not know yet is left out.
    roles: user.roles.filter(isRole),
    status: user.status as 'pending' | 'active' | 'deactivated',
    agencyId: user.agencyId || null,
    supervisorId: user.supervisorId || null,
    createdAt: (user.createdAt ?? new Date(0)).toISOString(),
    updatedAt: (user.updatedAt ?? new Date(0)).toISOString(),
  };
}

function toSettings(response: identityV1.GetTenantSettingsResponse) {
  const { settings, overrides } = response;
  if (!settings || !overrides) throw new Error('identity answered without settings');
  const locale = (value: string) => (value === 'en' ? ('en' as const) : ('id-ID' as const));
  return {
    tenantId: response.tenantId,
    settings: { ...settings, defaultLocale: locale(settings.defaultLocale) },
    overrides: {
      ...overrides,
      defaultLocale: overrides.defaultLocale === undefined ? undefined : locale(overrides.defaultLocale),
    },
  };
}

const settingsProperties = tenantSettingFields();

const TenantSettingsSchema = Type.Object(
  {
    tenantId: Type.String(),
    settings: Type.Object(settingsProperties, {
      description: 'Resolved: the tenant, else its province, else the platform',
    }),
    overrides: Type.Object(
      Object.fromEntries(Object.entries(settingsProperties).map(([name, schema]) => [name, Type.Optional(schema)])),
      { description: 'What the tenant set itself' },
    ),
  },
  { $id: 'TenantSettings' },
);

/** null clears the tenant's own value, so it inherits again. defaultLocale cannot be cleared. */
const SettingsPatch = Type.Object(
  {
    defaultLocale: Type.Optional(settingsProperties.defaultLocale),
    complaintReopenWindowDays: Type.Optional(Type.Union([settingsProperties.complaintReopenWindowDays, Type.Null()])),
    complaintAutoCloseDays: Type.Optional(Type.Union([settingsProperties.complaintAutoCloseDays, Type.Null()])),
    otpTtlMinutes: Type.Optional(Type.Union([settingsProperties.otpTtlMinutes, Type.Null()])),
    staffActivationTtlHours: Type.Optional(Type.Union([settingsProperties.staffActivationTtlHours, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

const TenantParams = Type.Object({ tenantId: tenantId() });

/** Agencies, staff and tenant settings: a tenant's administration. */
export const staffRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { identity } = app.upstreams;

  app.get(
    '/v1/agencies',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'listAgencies',
        summary: "The tenant's agencies (OPD)",
        description: 'The agencies complaints go to (each category names one), for staff of the tenant to pick from.',
        tags: ['agencies'],
        headers: TenantHeader,
        response: {
          200: jsonResponse('The agencies', ListEnvelope(AgencySchema), {
            items: [agencyExample],
            nextPageToken: null,
            totalEstimate: 1,
          }),
          ...ProblemResponses,
        },
      },
    },
    async (request) => {
      const { agencies } = await identity.listAgencies({}, callerContext(request));
      return wholeList(agencies);
    },
  );

  app.post(
    '/v1/agencies',
    {
      config: { access: admins },
      schema: {
        operationId: 'createAgency',
        summary: 'Add an agency to the tenant',
        description: 'A new agency (OPD) of the tenant, by a short code unique within it; categories then name it.',
        tags: ['agencies'],
        headers: TenantHeader,
        body: Type.Object(
          {
            id: AgencyId,
            name: boundedText({ min: 3, max: 150 }, 'single'),
            shortName: boundedText({ min: 2, max: 50 }, 'single'),
          },
          { additionalProperties: false },
        ),
        response: { 201: jsonResponse('The agency as added', AgencySchema, agencyExample), ...BodyProblemResponses },
      },
    },
    async (request, reply) => {
      const { agency } = await identity.createAgency(request.body, callerContext(request));
      reply.status(201);
      return agency;
    },
  );

  app.get(
    '/v1/staff',
    {
      config: { access: admins },
      schema: {
        operationId: 'listStaff',
        summary: "The tenant's staff, optionally of one agency",
        description: 'Every staff account of the tenant, deactivated ones included, for its admins.',
        tags: ['staff'],
        headers: TenantHeader,
        querystring: Type.Object({ agencyId: Type.Optional(AgencyId) }, { additionalProperties: false }),
        response: {
          200: jsonResponse('The staff', ListEnvelope(UserSchema), {
            items: [officerExample],
            nextPageToken: null,
            totalEstimate: 1,
          }),
          ...ProblemResponses,
        },
      },
    },
    async (request) => {
      const { users } = await identity.listStaff({ agencyId: request.query.agencyId ?? '' }, callerContext(request));
      return wholeList(users.map(toUser));
    },
  );

  app.post(
    '/v1/staff',
    {
      config: { access: admins },
      schema: {
        operationId: 'createStaffMember',
        summary: 'Add a staff member',
        description:
          'The account starts pending; an activation code goes to the e-mail address (else the phone). ' +
          'officer, supervisor, permit_reviewer and permit_approver need an agencyId.',
        tags: ['staff'],
        headers: TenantHeader,
        body: Type.Object(
          {
            fullName: FullName,
            email: Type.Optional(Email),
            phone: Type.Optional(MobilePhone),
            roles: Type.Array(StaffRole, { minItems: 1, maxItems: 6, uniqueItems: true }),
            agencyId: Type.Optional(AgencyId),
            supervisorId: Type.Optional(UserId),
          },
          { additionalProperties: false },
        ),
        response: {
          201: jsonResponse('The staff member, pending until they activate their account', UserSchema, {
            ...officerExample,
            status: 'pending',
            emailVerified: false,
            version: 1,
          }),
          ...BodyProblemResponses,
        },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const { user } = await identity.createStaff(
        {
          ...body,
          email: body.email ?? '',
          phone: body.phone ?? '',
          agencyId: body.agencyId ?? '',
          supervisorId: body.supervisorId ?? '',
        },
        callerContext(request),
      );
      const created = toUser(user);
      reply.status(201).header('location', `/v1/staff/${created.id}`);
      return created;
    },
  );

  app.patch(
    '/v1/staff/:id',
    {
      config: { access: admins },
      schema: {
        operationId: 'updateStaffMember',
        summary: "Change a staff member's roles, agency and supervisor",
        description: 'Send the version you read; a different current version is 409 STALE_VERSION.',
        tags: ['staff'],
        headers: TenantHeader,
        params: Type.Object({ id: UserId }),
        body: Type.Object(
          {
            roles: Type.Array(StaffRole, { minItems: 1, maxItems: 6, uniqueItems: true }),
            agencyId: Type.Union([AgencyId, Type.Null()]),
            supervisorId: Type.Optional(
              Type.Union([UserId, Type.Null()], { description: 'null: reports to nobody; absent: unchanged' }),
            ),
            version: Type.Integer({ minimum: 1, maximum: int32Maximum }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: jsonResponse('The staff member as changed', UserSchema, { ...officerExample, version: 4 }),
          ...BodyProblemResponses,
        },
      },
    },
    async (request) => {
      const { body } = request;
      // identity replaces the supervisor with what it is sent; an absent one keeps the current
      // (read here; if it changed since, the version check turns the change down as stale).
      const supervisorId =
        body.supervisorId === undefined
          ? ((await identity.getUser({ userId: request.params.id }, callerContext(request))).user?.supervisorId ?? '')
          : (body.supervisorId ?? '');
      const { user } = await identity.changeStaffRoles(
        {
          userId: request.params.id,
          roles: body.roles,
          agencyId: body.agencyId ?? '',
          expectedVersion: body.version,
          supervisorId,
        },
        callerContext(request),
      );
      return toUser(user);
    },
  );

  app.post(
    '/v1/staff/:id/deactivation',
    {
      config: { access: admins },
      schema: {
        operationId: 'deactivateUser',
        summary: 'Deactivate a user of the tenant',
        description:
          'The user can no longer sign in and their sessions end; what they did stays. Send the version read to ' +
          'refuse a deactivation based on stale data (409 STALE_VERSION).',
        tags: ['staff'],
        headers: TenantHeader,
        params: Type.Object({ id: UserId }),
        body: Type.Optional(
          Type.Object(
            { version: Type.Optional(Type.Integer({ minimum: 1, maximum: int32Maximum })) },
            { additionalProperties: false },
          ),
        ),
        response: {
          200: jsonResponse('The user, deactivated', UserSchema, {
            ...officerExample,
            status: 'deactivated',
            version: 4,
          }),
          ...BodyProblemResponses,
        },
      },
    },
    async (request) => {
      const { user } = await identity.deactivateUser(
        { userId: request.params.id, expectedVersion: request.body?.version ?? 0 },
        callerContext(request),
      );
      return toUser(user);
    },
  );

  app.get(
    '/v1/tenants/:tenantId/settings',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getTenantSettings',
        summary: "A tenant's settings",
        description: 'Resolved city → province → platform default. Public.',
        tags: ['tenants'],
        params: TenantParams,
        response: {
          200: jsonResponse(
            'The settings, resolved and as the tenant set them',
            TenantSettingsSchema,
            tenantSettingsExample,
          ),
          ...ProblemResponses,
        },
      },
    },
    async (request) =>
      toSettings(
        // Settings are public: the tenant travels in the request, not as the caller's scope.
        await identity.getTenantSettings({ tenantId: request.params.tenantId }, anonymousContext(request)),
      ),
  );

  app.patch(
    '/v1/tenants/:tenantId/settings',
    {
      config: { access: { ...admins, tenantParam: 'tenantId' } },
      schema: {
        operationId: 'updateTenantSettings',
        summary: "Set or clear the tenant's own settings",
        description: 'A value sets it for this tenant and its children; null inherits it again.',
        tags: ['tenants'],
        params: TenantParams,
        body: SettingsPatch,
        response: {
          200: jsonResponse('The settings after the change', TenantSettingsSchema, tenantSettingsExample),
          ...BodyProblemResponses,
        },
      },
    },
    async (request) => {
      const set: Record<string, unknown> = {};
      const clear: string[] = [];
      for (const [name, value] of Object.entries(request.body)) {
        if (value === null) clear.push(name);
        else if (value !== undefined) set[name] = value;
      }
      return toSettings(await identity.updateTenantSettings({ set, clear }, callerContext(request)));
    },
  );
};
