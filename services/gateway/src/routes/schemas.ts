import Type from 'typebox';

export const TenantHeader = Type.Object({
  // Optional in the schema so a missing tenant gets its own code (TENANT_REQUIRED), not a generic one.
  'x-balai-tenant': Type.Optional(Type.String({ description: 'Tenant region code, for example 36.73 (Kota Serang)' })),
});

/** RFC 9457 problem details with the stable `code` member. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.Optional(Type.String()), message: Type.String() }))),
  },
  { $id: 'Problem' },
);

/** Every route's error answers: problem details. */
export const ProblemResponses = { '4xx': ProblemSchema, '5xx': ProblemSchema };
