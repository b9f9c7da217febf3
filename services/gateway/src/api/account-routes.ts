import { nik } from '@balai/platform';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { callerContext } from '../domain/caller-context.js';
import { ContactLogin, Email, FullName, MobilePhone, OneTimeCode, Password } from './account-schemas.js';
import { BodyProblemResponses, jsonResponse, TenantHeader } from './schemas.js';

const RegistrationBody = Type.Object(
  {
    nik: nik({ description: 'Nomor Induk Kependudukan, 16 digits' }),
    fullName: FullName,
    email: Type.Optional(Email),
    phone: Type.Optional(MobilePhone),
    password: Password,
  },
  {
    additionalProperties: false,
    examples: [
      {
        nik: '3673014506900002',
        fullName: 'Siti Rahmawati',
        email: 'siti@example.id',
        phone: '0812-3456-7890',
        password: 'kopi-serang-2026',
      },
    ],
  },
);

/**
 * Self-service account routes: public, the tenant named by X-Balai-Tenant. Their answers never
 * tell whether an account exists (the identity service makes sure of it).
 */
export const accountRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { identity } = app.upstreams;

  app.post(
    '/v1/citizens/registrations',
    {
      config: { access: 'public', limit: 'registration' },
      schema: {
        operationId: 'registerCitizen',
        summary: 'Register as a citizen',
        description:
          'Creates a pending account and sends a code to each contact given (at least one of email and phone). ' +
          'The answer is the same whether or not the NIK or a contact was already registered.',
        tags: ['accounts'],
        headers: TenantHeader,
        body: RegistrationBody,
        response: {
          202: jsonResponse(
            'Codes are on their way, by these channels',
            Type.Object({ channels: Type.Array(Type.String({ description: 'email or sms' })) }),
            { channels: ['email', 'sms'] },
          ),
          ...BodyProblemResponses,
        },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const answer = await identity.registerCitizen(
        { ...body, email: body.email ?? '', phone: body.phone ?? '' },
        callerContext(request),
      );
      reply.status(202);
      return answer;
    },
  );

  app.post(
    '/v1/accounts/verification',
    {
      config: { access: 'public', limit: 'verification' },
      schema: {
        operationId: 'verifyContact',
        summary: 'Prove a contact with the code sent to it',
        description: 'Activates a pending citizen account. Any failure is VERIFICATION_FAILED.',
        tags: ['accounts'],
        headers: TenantHeader,
        body: Type.Object({ login: ContactLogin, code: OneTimeCode }, { additionalProperties: false }),
        response: {
          200: jsonResponse(
            'The contact is verified; status is the account’s',
            Type.Object({ channel: Type.String(), status: Type.String() }),
            { channel: 'email', status: 'active' },
          ),
          ...BodyProblemResponses,
        },
      },
    },
    async (request) => identity.verifyContact(request.body, callerContext(request)),
  );

  app.post(
    '/v1/accounts/verification/resend',
    {
      config: { access: 'public', limit: 'verification' },
      schema: {
        operationId: 'resendVerificationCode',
        summary: 'Send a new code to a contact waiting for one',
        description:
          'At most one code a minute and five a day per contact, and a daily number per client address; the answer is the same whether or not one was sent (429 TOO_MANY_ATTEMPTS past the address cap).',
        tags: ['accounts'],
        headers: TenantHeader,
        body: Type.Object({ login: ContactLogin }, { additionalProperties: false }),
        response: {
          202: jsonResponse('Taken: a code is sent if the contact waits for one', Type.Object({}), {}),
          ...BodyProblemResponses,
        },
      },
    },
    async (request, reply) => {
      await identity.resendCode(request.body, callerContext(request));
      reply.status(202);
      return {};
    },
  );

  app.post(
    '/v1/accounts/activation',
    {
      config: { access: 'public', limit: 'verification' },
      schema: {
        operationId: 'activateStaffAccount',
        summary: 'Activate a staff account and set its password',
        description:
          'A staff member added by an admin proves their contact with the code sent to it and sets a password. ' +
          'Any failure is VERIFICATION_FAILED.',
        tags: ['accounts'],
        headers: TenantHeader,
        body: Type.Object(
          { login: ContactLogin, code: OneTimeCode, newPassword: Password },
          { additionalProperties: false },
        ),
        response: {
          200: jsonResponse('The account is active', Type.Object({ status: Type.String() }), { status: 'active' }),
          ...BodyProblemResponses,
        },
      },
    },
    async (request) => identity.activateAccount(request.body, callerContext(request)),
  );
};
