import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { checkFields, fieldProblems } from './field-problems.js';
import {
  agencyId,
  attributeCode,
  boundedText,
  categoryCode,
  categoryGroup,
  citizenReference,
  clientId,
  contactEmail,
  email,
  filterId,
  fullName,
  httpsUrl,
  idempotencyKey,
  nik,
  phone,
  point,
  tenantId,
  userId,
} from './fields.js';

const Submission = Type.Object({
  categoryCode: categoryCode(),
  description: boundedText({ min: 10, max: 4000 }),
  ...point(),
  agencyId: Type.Optional(agencyId()),
  officerId: Type.Optional(userId()),
  idempotencyKey: Type.Optional(idempotencyKey()),
  mediaUrls: Type.Optional(Type.Array(httpsUrl(), { maxItems: 5 })),
});

const valid = {
  categoryCode: 'roads.pothole',
  description: 'Jalan berlubang di depan sekolah',
  latitude: -6.12,
  longitude: 106.15,
};

describe('field vocabulary', () => {
  it('should find nothing wrong with a valid value', () => {
    expect(fieldProblems(Submission, valid)).toEqual([]);
    expect(
      fieldProblems(Submission, { ...valid, agencyId: 'dpupr', officerId: 'u-1', mediaUrls: ['https://x.id/a.jpg'] }),
    ).toEqual([]);
  });

  it('should answer each field in its own words, whichever part of its rule failed', () => {
    expect(
      fieldProblems(Submission, {
        categoryCode: 'Roads Pothole',
        description: 'short',
        latitude: 91,
        longitude: 'east',
        agencyId: 'DPUPR',
        officerId: 'a'.repeat(65),
        idempotencyKey: 'kunci dengan spasi',
        mediaUrls: ['http://x.id/a.jpg'],
      }),
    ).toEqual([
      { field: '/categoryCode', message: 'must be a category code such as roads.pothole' },
      { field: '/description', message: 'must be 10 to 4000 characters' },
      { field: '/latitude', message: 'must be between -90 and 90' },
      { field: '/longitude', message: 'must be between -180 and 180' },
      { field: '/agencyId', message: 'must be an agency id such as dpupr' },
      { field: '/officerId', message: 'must be a user id' },
      { field: '/idempotencyKey', message: 'must be 1 to 200 visible ASCII characters' },
      { field: '/mediaUrls/0', message: 'must be an https URL' },
    ]);
  });

  it('should count free text once normalised and refuse control characters with their code point', () => {
    const Note = Type.Object({ note: boundedText({ min: 3, max: 10 }) });
    expect(fieldProblems(Note, { note: '   ab   ' })).toEqual([
      { field: '/note', message: 'must be 3 to 10 characters' },
    ]);
    expect(fieldProblems(Note, { note: 'abc\u0000def' })).toEqual([
      { field: '/note', message: 'must not contain control characters (found U+0000)' },
    ]);
    expect(fieldProblems(Note, { note: 'dua\r\nbaris' })).toEqual([]);
  });

  it('should name a missing field', () => {
    expect(fieldProblems(Type.Object({ tenantId: tenantId() }), {})).toEqual([
      { field: '/tenantId', message: 'must be a region code such as 36.73' },
    ]);
  });

  it('should keep the rules out of the JSON Schema the gateway publishes', () => {
    expect(JSON.parse(JSON.stringify(agencyId({ examples: ['dpupr'] })))).toEqual({
      type: 'string',
      pattern: '^[a-z][a-z0-9-]{1,31}$',
      examples: ['dpupr'],
    });
    expect(JSON.parse(JSON.stringify(point().latitude))).toEqual({ type: 'number', minimum: -90, maximum: 90 });
  });

  it('should take NIK and phone by shape only', () => {
    const Citizen = Type.Object({ nik: nik(), phone: phone() });
    expect(fieldProblems(Citizen, { nik: '3673014608730161', phone: '0812-7219-9408' })).toEqual([]);
    expect(fieldProblems(Citizen, { nik: '36730146', phone: 'telepon' })).toEqual([
      { field: '/nik', message: 'must be 16 digits' },
      { field: '/phone', message: 'must be a phone number such as 0812 3456 7890' },
    ]);
  });

  it('should tell a counter reference and a list filter id from a user id', () => {
    const Ids = Type.Object({ officer: userId(), citizen: citizenReference(), filter: filterId() });
    expect(fieldProblems(Ids, { officer: 'a'.repeat(64), citizen: 'a'.repeat(100), filter: 'siti@x.id' })).toEqual([]);
    expect(fieldProblems(Ids, { officer: 'a'.repeat(65), citizen: 'a'.repeat(101), filter: '$ne' })).toEqual([
      { field: '/officer', message: 'must be a user id' },
      { field: '/citizen', message: 'must be 1 to 100 characters (A-Z, a-z, 0-9, . _ : -)' },
      { field: '/filter', message: 'must be an id' },
    ]);
  });

  it('should check catalogue codes, client ids and e-mail addresses by their own rules', () => {
    const Shapes = Type.Object({
      group: categoryGroup(),
      attribute: attributeCode(),
      client: clientId(),
      account: email(),
      contact: contactEmail(),
    });
    const valid = { group: 'roads', attribute: 'depth_cm', client: 'balai-web', account: ' Siti@Example.ID ' };
    expect(fieldProblems(Shapes, { ...valid, contact: 'siti@example.id' })).toEqual([]);
    // A contact's address is looser than an account's: an empty label passes.
    expect(fieldProblems(Shapes, { ...valid, contact: 'a@b..c' })).toEqual([]);
    expect(
      fieldProblems(Shapes, { group: 'Roads', attribute: 'Depth', client: 'ab', account: 'a@b..c', contact: 'a@b' }),
    ).toEqual([
      { field: '/group', message: 'must be a code such as roads' },
      { field: '/attribute', message: 'must be a code such as depth_cm (a-z, 0-9, _)' },
      { field: '/client', message: 'must be a client_id (3-128 of A-Z a-z 0-9 . _ -)' },
      { field: '/account', message: 'is not an e-mail address' },
      { field: '/contact', message: 'must be an e-mail address' },
    ]);
  });

  it('should take a full name of letters, counted once its spaces are folded', () => {
    const Person = Type.Object({ fullName: fullName() });
    expect(fieldProblems(Person, { fullName: "  Siti  Nur'aini " })).toEqual([]);
    expect(fieldProblems(Person, { fullName: ' S ' })).toEqual([
      { field: '/fullName', message: 'must be 2 to 100 characters' },
    ]);
    expect(fieldProblems(Person, { fullName: 'Siti 2' })).toEqual([
      { field: '/fullName', message: "may hold letters, spaces and . , ' - only" },
    ]);
    expect(fieldProblems(Person, {})).toEqual([{ field: '/fullName', message: 'must be a string' }]);
  });

  it('should throw VALIDATION_FAILED with the problems', () => {
    const failure = (() => {
      try {
        checkFields(Submission, { ...valid, latitude: -91 }, 'The complaint is not valid');
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'The complaint is not valid',
      details: [{ field: '/latitude', message: 'must be between -90 and 90' }],
    });
  });
  it('should name every wrong field of a request with many, not only the first eight', () => {
    const names = Array.from({ length: 12 }, (_, index) => `agency${index}`);
    const Many = Type.Object(Object.fromEntries(names.map((name) => [name, agencyId()])));
    const problems = fieldProblems(Many, Object.fromEntries(names.map((name) => [name, 'BUKAN KODE'])));
    expect(problems.map((problem) => problem.field)).toEqual(names.map((name) => `/${name}`));
  });
});
