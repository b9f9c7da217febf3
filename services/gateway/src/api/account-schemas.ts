import Type from 'typebox';

/** A user as the API shows one: no NIK, no password hash, no contact details. */
export const UserSchema = Type.Object(
  {
    id: Type.String(),
    tenantId: Type.String(),
    kind: Type.Union([Type.Literal('citizen'), Type.Literal('staff')]),
    fullName: Type.String(),
    roles: Type.Array(Type.String()),
    agencyId: Type.Union([Type.String(), Type.Null()]),
    supervisorId: Type.Union([Type.String(), Type.Null()], {
      description: 'Staff: the user this one reports to (escalations follow it); null at the top',
    }),
    status: Type.Union([Type.Literal('pending'), Type.Literal('active'), Type.Literal('deactivated')]),
    emailVerified: Type.Boolean(),
    phoneVerified: Type.Boolean(),
    version: Type.Integer({ description: 'Send it back with a change (optimistic concurrency).' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'User' },
);

export const AgencySchema = Type.Object(
  {
    id: Type.String({ description: 'Short code, unique within the tenant', examples: ['dpupr'] }),
    tenantId: Type.String(),
    name: Type.String({ examples: ['Dinas Pekerjaan Umum dan Penataan Ruang Kota Serang'] }),
    shortName: Type.String({ examples: ['Dinas PUPR'] }),
  },
  { $id: 'Agency' },
);

/** Letters of any script, spaces and . , ' - (the identity service checks the same). */
export const FullName = Type.String({
  minLength: 2,
  maxLength: 100,
  pattern: "^\\s*[\\p{L}\\p{M}][\\p{L}\\p{M} .,'-]*$",
  examples: ['Siti Rahmawati'],
});
export const Email = Type.String({ format: 'email', maxLength: 254, examples: ['siti@example.id'] });
export const MobilePhone = Type.String({
  pattern: '^\\+?[0-9][0-9 ().-]{7,19}$',
  description: 'Indonesian mobile number in any usual form: 0812-3456-7890, +62 812 3456 7890',
  examples: ['0812-3456-7890'],
});
/** What a person types to log in: an e-mail address or a mobile number (a NIK is not a contact). */
export const ContactLogin = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s$]+( [^\\s$]+)*$' });
export const OneTimeCode = Type.String({ pattern: '^[0-9]{6}$', examples: ['246810'] });
export const Password = Type.String({ minLength: 10, maxLength: 128 });
export const AgencyId = Type.String({ pattern: '^[a-z][a-z0-9-]{1,31}$', examples: ['dpupr'] });
/** A user id: generated UUIDs, and seeded ids such as demo-36.73-supervisor (dots). */
export const UserId = Type.String({ pattern: '^[A-Za-z0-9._:-]{1,64}$' });
/** A staff member's supervisor: a user id of the tenant. */
export const SupervisorId = UserId;
export const StaffRole = Type.Union(
  ['officer', 'supervisor', 'permit_reviewer', 'permit_approver', 'analyst', 'tenant_admin'].map((role) =>
    Type.Literal(role),
  ),
);
