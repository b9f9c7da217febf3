import { agencyId, email, fullName, oneTimeCode, phone, roles, staffRoles, userId } from '@balai/platform';
import Type from 'typebox';
import { stringEnum } from './schemas.js';

/** Any Balai role, as tokens and users carry them. */
export const AnyRole = stringEnum(roles, {
  description: 'A Balai role (docs/authentication.md, "Roles per route")',
  componentName: 'Role',
});

/** A user as the API shows one: no NIK, no password hash, no contact details. */
export const UserSchema = Type.Object(
  {
    id: Type.String(),
    tenantId: Type.String(),
    kind: Type.Union([Type.Literal('citizen'), Type.Literal('staff')]),
    fullName: Type.String(),
    roles: Type.Array(AnyRole),
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

export const FullName = fullName({ examples: ['Siti Rahmawati'] });
export const Email = email({ examples: ['siti@example.id'] });
export const MobilePhone = phone({
  description: 'Indonesian mobile number in any usual form: 0812-3456-7890, +62 812 3456 7890',
  examples: ['0812-3456-7890'],
});
/** What a person types to log in: an e-mail address or a mobile number (a NIK is not a contact). */
export const ContactLogin = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s$]+( [^\\s$]+)*$' });
export const OneTimeCode = oneTimeCode({ examples: ['246810'] });
export const Password = Type.String({ minLength: 10, maxLength: 128 });
export const AgencyId = agencyId({ examples: ['dpupr'] });
/** A user id: generated UUIDs, and seeded ids such as demo-36.73-supervisor (dots). */
export const UserId = userId();
export const StaffRole = stringEnum(staffRoles, { description: 'A role staff of a tenant may hold' });
