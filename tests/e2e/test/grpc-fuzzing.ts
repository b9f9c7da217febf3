import { connect, constants as http2 } from 'node:http2';
import * as contracts from '@balai/contracts';
import { Client, credentials, status as GrpcStatus, Metadata } from '@grpc/grpc-js';
import fc from 'fast-check';

/*
 * What grpc-fuzz.int.test.ts needs to fuzz every unary method of the contracts without a list
 * of its own: the methods (from the generated service definitions), the shape of each request
 * (reflected from the generated ts-proto code), arbitraries for well-typed requests, a
 * mutator of their protobuf encoding, and clients that send raw bytes and raw HTTP/2 frames.
 */

/** The codec ts-proto generates for a message. */
interface MessageFns {
  encode(message: unknown): { finish(): Uint8Array };
  decode(input: Uint8Array): unknown;
  fromJSON(object: unknown): unknown;
  fromPartial(object: unknown): unknown;
}

interface MethodDefinition {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize(value: unknown): Buffer;
  requestDeserialize(bytes: Buffer): unknown;
  responseDeserialize(bytes: Buffer): unknown;
}

export interface ContractMethod {
  /** The service (child process) that serves it: `complaints` for package balai.complaints.v1. */
  service: string;
  /** `/balai.complaints.v1.ComplaintsService/SubmitComplaint`. */
  path: string;
  /** `ComplaintsService/SubmitComplaint`. */
  name: string;
  request: MessageFns;
  requestShape: MessageShape;
  decodeResponse(bytes: Buffer): unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function isMethodDefinition(value: unknown): value is MethodDefinition {
  return (
    isRecord(value) &&
    typeof value.path === 'string' &&
    typeof value.requestStream === 'boolean' &&
    typeof value.requestSerialize === 'function' &&
    typeof value.responseDeserialize === 'function'
  );
}

function isMessageFns(value: unknown): value is MessageFns {
  return (
    isRecord(value) &&
    ['encode', 'decode', 'fromJSON', 'fromPartial'].every((name) => typeof value[name] === 'function')
  );
}

/**
 * Every method of every service definition that @balai/contracts exports (the
 * `...ServiceService` objects ts-proto generates), so a method added to a proto is fuzzed
 * without touching the test. Streaming methods are returned apart: the fuzz test refuses them
 * until it learns to fuzz them, rather than leaving them out unseen.
 */
export function contractMethods(): { unary: ContractMethod[]; streaming: string[] } {
  const unary: ContractMethod[] = [];
  const streaming: string[] = [];
  for (const generated of Object.values(contracts) as unknown[]) {
    if (!isRecord(generated)) continue;
    for (const definition of Object.values(generated)) {
      if (!isRecord(definition)) continue;
      const methods = Object.values(definition);
      if (methods.length === 0 || !methods.every(isMethodDefinition)) continue;
      for (const method of methods) {
        const match = /^\/balai\.([a-z]+)\.v\d+\.([A-Za-z]+)\/([A-Za-z]+)$/.exec(method.path);
        if (!match) throw new Error(`unexpected gRPC path ${method.path}`);
        const [, service, serviceName, methodName] = match as unknown as [string, string, string, string];
        const name = `${serviceName}/${methodName}`;
        if (method.requestStream || method.responseStream) {
          streaming.push(name);
          continue;
        }
        // buf lint (STANDARD, RPC_REQUEST_STANDARD_NAME) names the request `<Method>Request`.
        const request = generated[`${methodName}Request`];
        if (!isMessageFns(request)) throw new Error(`no generated ${methodName}Request next to ${name}`);
        const requestShape = reflectMessage(request, `${methodName}Request`);
        assertSameCodec(name, request, requestShape, method);
        unary.push({
          service,
          path: method.path,
          name,
          request,
          requestShape,
          decodeResponse: (bytes) => method.responseDeserialize(bytes),
        });
      }
    }
  }
  return { unary: unary.sort((a, b) => a.path.localeCompare(b.path)), streaming };
}

/** The request type found by name must be the one the method decodes with: samples survive it. */
function assertSameCodec(name: string, request: MessageFns, shape: MessageShape, method: MethodDefinition) {
  const samples = fc.sample(messageArbitrary(shape, { dictionary: ['sample'] }, true), { numRuns: 20, seed: 11 });
  for (const sample of samples) {
    const bytes = Buffer.from(request.encode(request.fromPartial(sample)).finish());
    if (!Buffer.from(request.encode(method.requestDeserialize(bytes)).finish()).equals(bytes)) {
      throw new Error(`${name} does not decode its requests with the message its name says`);
    }
  }
}

/*
 * Message shapes, reflected from the generated code: field names and default values from
 * fromJSON({}), the type of a field without a telling default (message, timestamp, optional
 * scalar, list element, map value) from what fromJSON makes of a probe string there, and the
 * kind of number from which values the encoder accepts (int32 refuses 0.5 and 2^40, ...).
 */

export type Shape =
  | { kind: 'string' | 'bool' | 'bytes' | 'timestamp' }
  | { kind: 'int32' | 'uint32' | 'int64' | 'uint64' | 'double' | 'float' }
  | MessageShape
  | { kind: 'repeated'; element: Shape }
  | { kind: 'map'; value: Shape }
  | { kind: 'optional'; value: Shape };

export interface MessageShape {
  kind: 'message';
  fields: Record<string, Shape>;
}

const element = Symbol('list element');
const mapValue = Symbol('map value');
type Step = string | typeof element | typeof mapValue;
const maxMessageDepth = 8;

function nest(path: Step[], leaf: unknown): unknown {
  return path.reduceRight<unknown>(
    (inner, step) => (step === element ? [inner] : step === mapValue ? { key: inner } : { [step]: inner }),
    leaf,
  );
}

function at(value: unknown, path: Step[]): unknown {
  let current = value;
  for (const step of path) {
    current = isRecord(current) ? current[step === element ? 0 : step === mapValue ? 'key' : step] : undefined;
  }
  return current;
}

function reflectMessage(root: MessageFns, typeName: string): MessageShape {
  const describe = (path: Step[]) =>
    [typeName, ...path.map((step) => (step === element ? '[]' : step === mapValue ? '{}' : step))].join('.');
  const probe = (path: Step[], leaf: unknown) => at(root.fromJSON(nest(path, leaf)), path);
  const encodes = (path: Step[], leaf: unknown) => {
    try {
      root.encode(root.fromPartial(nest(path, leaf)));
      return true;
    } catch {
      return false;
    }
  };
  const roundTrip = (path: Step[], leaf: unknown) =>
    at(root.decode(root.encode(root.fromPartial(nest(path, leaf))).finish()), path);

  const number = (path: Step[]): Shape => {
    if (encodes(path, 0.5)) return { kind: Object.is(roundTrip(path, 0.1), 0.1) ? 'double' : 'float' };
    const wide = encodes(path, 2 ** 40);
    const signed = encodes(path, -1);
    return { kind: wide ? (signed ? 'int64' : 'uint64') : signed ? 'int32' : 'uint32' };
  };
  const message = (path: Step[], depth: number): MessageShape => {
    if (depth > maxMessageDepth) throw new Error(`${describe(path)}: messages nested deeper than ${maxMessageDepth}`);
    const defaults = path.length === 0 ? root.fromJSON({}) : probe(path, {});
    if (!isRecord(defaults)) throw new Error(`${describe(path)}: fromJSON made no message`);
    const fields: Record<string, Shape> = {};
    for (const [name, value] of Object.entries(defaults)) fields[name] = field([...path, name], value, depth);
    return { kind: 'message', fields };
  };
  // A place whose type no default tells: what fromJSON makes of a string there says it.
  const slot = (path: Step[], depth: number): Shape => {
    const value = probe(path, 'probe');
    if (typeof value === 'string') return { kind: 'string' };
    if (typeof value === 'boolean') return { kind: 'bool' };
    if (typeof value === 'number') return number(path);
    if (value instanceof Date) return { kind: 'timestamp' };
    if (value instanceof Uint8Array) return { kind: 'bytes' };
    if (isRecord(value) && !Array.isArray(value)) return message(path, depth + 1);
    throw new Error(`${describe(path)}: cannot tell its type (a oneof?); teach grpc-fuzzing.ts its shape`);
  };
  const field = (path: Step[], value: unknown, depth: number): Shape => {
    if (typeof value === 'string') return { kind: 'string' };
    if (typeof value === 'boolean') return { kind: 'bool' };
    if (typeof value === 'number') return number(path);
    if (value instanceof Uint8Array) return { kind: 'bytes' };
    if (Array.isArray(value)) return { kind: 'repeated', element: slot([...path, element], depth) };
    if (value === undefined) {
      const shape = slot(path, depth);
      return shape.kind === 'message' || shape.kind === 'timestamp' ? shape : { kind: 'optional', value: shape };
    }
    if (isRecord(value)) return { kind: 'map', value: slot([...path, mapValue], depth) };
    throw new Error(`${describe(path)}: unexpected default ${String(value)}`);
  };
  return message([], 0);
}

/*
 * Well-typed values. Strings mix the dictionary (ids and codes that exist, so calls get past
 * "not found" into the rules) with hostile text; numbers favour bounds and the small values
 * versions and page sizes take; lists are mostly short, sometimes huge.
 */

export const int32Bounds = { min: -(2 ** 31), max: 2 ** 31 - 1 };

const hostileStrings = [
  '',
  ' ',
  '\0',
  'a\0b',
  '\u202egnp.exe',
  '\ud800',
  'x\udfff',
  '\ud83d',
  '😀',
  'e\u0301',
  'İı',
  '\r\n',
  '\t',
  '<script>alert(1)</script>',
  '{"$gt":""}',
  '$ne',
  '$where',
  'a.b.c',
  '..',
  '../../etc/passwd',
  '%00',
  '%s%n',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e309',
  '9'.repeat(40),
  'me',
  'none',
  'public',
  'internal',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

export interface ArbitraryOptions {
  /** Strings that mean something to the services (ids, codes, tenants), harvested at start. */
  dictionary: readonly string[];
}

function stringArbitrary(options: ArbitraryOptions, small: boolean): fc.Arbitrary<string> {
  const { dictionary } = options;
  const known = dictionary.length > 0 ? fc.constantFrom(...dictionary) : fc.constant('');
  const parts: fc.WeightedArbitrary<string>[] = [
    { weight: 4, arbitrary: known },
    { weight: 3, arbitrary: fc.string() },
    { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
    { weight: 2, arbitrary: fc.constantFrom(...hostileStrings) },
    { weight: 1, arbitrary: fc.string({ unit: loneSurrogate, maxLength: 3 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(known, fc.constantFrom('\0', ' ', '\n', '%', '.', '*', '\u00a0', '\ud800'), fc.boolean())
        .map(([word, extra, before]) => (before ? `${extra}${word}` : `${word}${extra}`)),
    },
    { weight: 1, arbitrary: known.map((word) => word.toUpperCase()) },
  ];
  if (!small) {
    parts.push({
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('x', 'é', '😀', '\0', '.'), fc.constantFrom(257, 10_000, 100_000))
        .map(([unit, length]) => unit.repeat(length)),
    });
  }
  return fc.oneof(...parts);
}

function integerArbitrary(min: number, max: number): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: Math.max(min, -2), max: 5 }) },
    { weight: 2, arbitrary: fc.constantFrom(min, max, 0, 1, 100, 101, 1000).filter((n) => n >= min && n <= max) },
    { weight: 2, arbitrary: fc.integer({ min, max }) },
  );
}

const doubleArbitrary = fc.oneof(
  { weight: 2, arbitrary: fc.double() },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      Number.NaN,
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      Number.MIN_VALUE,
      90,
      -90,
      180,
      -180,
      90.000001,
      -180.000001,
    ),
  },
  // Around the demo tenant (Kota Serang), where points are accepted.
  { weight: 2, arbitrary: fc.double({ min: -6.2, max: -6.0, noNaN: true }) },
  { weight: 2, arbitrary: fc.double({ min: 106.0, max: 106.3, noNaN: true }) },
);

const timestampArbitrary = fc.oneof(
  fc.date({ noInvalidDate: true }),
  fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true }),
  // The ends of what a JavaScript Date holds; a Timestamp holds more (the wire mutator sends that).
  fc.constantFrom(new Date(-8.64e15), new Date(8.64e15), new Date(0), new Date(-1), new Date(1)),
);

function valueArbitrary(shape: Shape, options: ArbitraryOptions, small: boolean): fc.Arbitrary<unknown> {
  switch (shape.kind) {
    case 'string':
      return stringArbitrary(options, small);
    case 'bool':
      return fc.boolean();
    case 'bytes':
      return fc.uint8Array({ maxLength: 64 });
    case 'timestamp':
      return timestampArbitrary;
    case 'int32':
      return integerArbitrary(int32Bounds.min, int32Bounds.max);
    case 'uint32':
      return integerArbitrary(0, 2 ** 32 - 1);
    case 'int64':
      return integerArbitrary(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    case 'uint64':
      return integerArbitrary(0, Number.MAX_SAFE_INTEGER);
    case 'double':
      return doubleArbitrary;
    case 'float':
      return fc.float();
    case 'optional':
      return fc.option(valueArbitrary(shape.value, options, small), { nil: undefined });
    case 'map':
      return fc.dictionary(stringArbitrary(options, true), valueArbitrary(shape.value, options, true), {
        maxKeys: 4,
      });
    case 'repeated': {
      const item = valueArbitrary(shape.element, options, true);
      if (small) return fc.array(item, { maxLength: 3 });
      return fc.oneof(
        { weight: 8, arbitrary: fc.array(item, { maxLength: 4 }) },
        { weight: 1, arbitrary: fc.array(item, { minLength: 99, maxLength: 102 }) },
        // Huge: one value many times (cheap to make, as expensive for the service to read).
        {
          weight: 1,
          arbitrary: fc
            .tuple(item, fc.constantFrom(1_000, 20_000))
            .map(([value, length]) => Array.from({ length }, () => value)),
        },
      );
    }
    case 'message':
      return fieldsArbitrary(shape, options, small);
  }
}

/** Messages in ts-proto's in-memory form (absent fields take their defaults in fromPartial). */
export function messageArbitrary(
  shape: MessageShape,
  options: ArbitraryOptions,
  small = false,
): fc.Arbitrary<Record<string, unknown>> {
  return fieldsArbitrary(shape, options, small).map((message) => printedAs(message, compactJson(message)));
}

function fieldsArbitrary(
  shape: MessageShape,
  options: ArbitraryOptions,
  small: boolean,
): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(
    Object.entries(shape.fields).map(([name, field]) => [name, valueArbitrary(field, options, small)]),
  );
  return fc.record(fields, { requiredKeys: [] });
}

/**
 * One message per list and string field, at any depth, filled to excess: 5,000 empty items, an
 * item or a value of 100,000 characters. Whatever a service echoes or reports per item must still fit in an answer.
 */
export function oversizedMessages(shape: MessageShape): Array<{ what: string; message: Record<string, unknown> }> {
  const found: Array<{ what: string; message: Record<string, unknown> }> = [];
  const walk = (fields: MessageShape, path: string[]) => {
    for (const [name, field] of Object.entries(fields.fields)) {
      const at = [...path, name];
      const wrap = (leaf: unknown) =>
        at.reduceRight<unknown>((inner, step) => ({ [step]: inner }), leaf) as Record<string, unknown>;
      if (field.kind === 'repeated') {
        found.push({
          what: `${at.join('.')} with 5,000 items`,
          message: wrap(Array(5_000).fill(emptyValue(field.element))),
        });
        if (field.element.kind === 'string') {
          found.push({
            what: `${at.join('.')} with an item of 100,000 characters`,
            message: wrap(['x'.repeat(100_000)]),
          });
        }
      } else if (field.kind === 'string' || (field.kind === 'optional' && field.value.kind === 'string')) {
        found.push({ what: `${at.join('.')} of 100,000 characters`, message: wrap('x'.repeat(100_000)) });
      } else if (field.kind === 'message') {
        walk(field, at);
      }
    }
  };
  walk(shape, []);
  return found;
}

function emptyValue(shape: Shape): unknown {
  switch (shape.kind) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'bytes':
      return new Uint8Array();
    case 'timestamp':
      return new Date(0);
    case 'message':
    case 'map':
      return {};
    case 'repeated':
      return [];
    case 'optional':
      return undefined;
    default:
      return 0;
  }
}

/*
 * The protobuf wire format, enough to take a valid encoding apart into records (a length-
 * delimited record that parses as a message keeps its records as children), damage it, and
 * put it back together.
 */

const wireType = { varint: 0, fixed64: 1, len: 2, startGroup: 3, endGroup: 4, fixed32: 5 } as const;

interface WireRecord {
  field: number;
  /** What the tag says. */
  wireType: number;
  /** How the body is written: the wire type it was parsed with. */
  bodyType: number;
  /** The varint or fixed bytes, or a length-delimited record's payload. */
  payload: Uint8Array;
  children?: WireRecord[];
  /** A length prefix that lies about the payload. */
  declaredLength?: bigint;
}

export function varint(value: bigint): Uint8Array {
  let rest = BigInt.asUintN(64, value);
  const bytes: number[] = [];
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return Uint8Array.from(bytes);
}

function readVarint(bytes: Uint8Array, start: number): [bigint, number] {
  let value = 0n;
  for (let pos = start, shift = 0n; pos < bytes.length && shift < 70n; pos += 1, shift += 7n) {
    const byte = bytes[pos] as number;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [value, pos + 1];
  }
  throw new Error('bad varint');
}

function parseWire(bytes: Uint8Array): WireRecord[] | undefined {
  const records: WireRecord[] = [];
  let pos = 0;
  try {
    while (pos < bytes.length) {
      const [tag, afterTag] = readVarint(bytes, pos);
      const field = Number(tag >> 3n);
      const type = Number(tag & 7n);
      if (field === 0) return undefined;
      let end: number;
      let payloadStart = afterTag;
      if (type === wireType.varint) end = readVarint(bytes, afterTag)[1];
      else if (type === wireType.fixed64) end = afterTag + 8;
      else if (type === wireType.fixed32) end = afterTag + 4;
      else if (type === wireType.len) {
        const [length, afterLength] = readVarint(bytes, afterTag);
        payloadStart = afterLength;
        end = afterLength + Number(length);
      } else return undefined;
      if (end > bytes.length) return undefined;
      const payload = bytes.subarray(payloadStart, end);
      const record: WireRecord = { field, wireType: type, bodyType: type, payload };
      if (type === wireType.len && payload.length > 0) {
        const children = parseWire(payload);
        if (children) record.children = children;
      }
      records.push(record);
      pos = end;
    }
  } catch {
    return undefined;
  }
  return records;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

function serializeWire(records: WireRecord[]): Uint8Array {
  return concat(
    records.flatMap((record) => {
      const tag = varint((BigInt(record.field) << 3n) | BigInt(record.wireType));
      if (record.bodyType !== wireType.len) return [tag, record.payload];
      const payload = record.children ? serializeWire(record.children) : record.payload;
      return [tag, varint(record.declaredLength ?? BigInt(payload.length)), payload];
    }),
  );
}

function flatten(records: WireRecord[]): Array<{ record: WireRecord; siblings: WireRecord[] }> {
  return records.flatMap((record) => [
    { record, siblings: records },
    ...(record.children ? flatten(record.children) : []),
  ]);
}

/** Unknown groups nested `depth` deep, which every decoder must skip: a stack-depth test. */
export function nestedGroups(field: number, depth: number): Uint8Array {
  const start = varint((BigInt(field) << 3n) | BigInt(wireType.startGroup));
  const end = varint((BigInt(field) << 3n) | BigInt(wireType.endGroup));
  return concat([...Array.from({ length: depth }, () => start), ...Array.from({ length: depth }, () => end)]);
}

const extremeVarints: Uint8Array[] = [
  varint(2n ** 64n - 1n),
  varint(2n ** 63n),
  varint(2n ** 63n - 1n),
  varint(2n ** 53n + 1n),
  varint(2n ** 32n),
  varint(2n ** 31n),
  varint(10n ** 13n),
  varint(-1n),
  // Overlong: 11 bytes, more than a varint may have.
  Uint8Array.from([...Array.from({ length: 10 }, () => 0xff), 0x01]),
  // Not minimal, but legal.
  Uint8Array.from([0x80, 0x80, 0x80, 0x00]),
];

const invalidUtf8: Uint8Array[] = [
  Uint8Array.from([0xff]),
  Uint8Array.from([0xc0, 0xaf]),
  Uint8Array.from([0xed, 0xa0, 0x80]),
  Uint8Array.from([0xe2, 0x82]),
  Uint8Array.from([0x61, 0x00, 0xf4, 0x90, 0x80, 0x80]),
];

export type WireMutation =
  | { kind: 'retype'; node: number; wireType: number }
  | { kind: 'varint'; node: number; body: Uint8Array }
  | { kind: 'length'; node: number; length: bigint }
  | { kind: 'utf8'; node: number; payload: Uint8Array }
  | { kind: 'nest'; node: number; depth: number }
  | { kind: 'timestamp'; node: number; seconds: bigint; nanos: bigint }
  | { kind: 'duplicate' | 'delete'; node: number }
  | { kind: 'append'; field: number; wireType: number; body: Uint8Array }
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array };

const node = fc.nat({ max: 1_000 });
export const wireMutationArbitrary: fc.Arbitrary<WireMutation> = fc.oneof(
  fc.record({ kind: fc.constant('retype' as const), node, wireType: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('varint' as const), node, body: fc.constantFrom(...extremeVarints) }),
  fc.record({
    kind: fc.constant('length' as const),
    node,
    length: fc.constantFrom(0n, 1n, 2n ** 31n - 1n, 2n ** 32n - 1n, 2n ** 35n, 2n ** 64n - 1n),
  }),
  fc.record({ kind: fc.constant('utf8' as const), node, payload: fc.constantFrom(...invalidUtf8) }),
  fc.record({ kind: fc.constant('nest' as const), node, depth: fc.constantFrom(10, 101, 1_000, 20_000) }),
  // A Timestamp a Date cannot hold (±10^13 s is past year 275,760), or one past a safe integer.
  fc.record({
    kind: fc.constant('timestamp' as const),
    node,
    seconds: fc.constantFrom(10n ** 13n, -(10n ** 13n), 2n ** 53n, 2n ** 62n, -(2n ** 63n)),
    nanos: fc.constantFrom(0n, -1n, 999_999_999n, 1_000_000_000n, 2n ** 31n - 1n, -(2n ** 31n)),
  }),
  fc.record({ kind: fc.constantFrom('duplicate' as const, 'delete' as const), node }),
  fc.record({
    kind: fc.constant('append' as const),
    field: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(0, 19_000, 2 ** 29 - 1, 2 ** 29, 2 ** 32 - 1)),
    wireType: fc.integer({ min: 0, max: 7 }),
    body: fc.uint8Array({ maxLength: 16 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
);

/** `valid` damaged by `mutations`: record-level ones first (on the parsed records), then byte-level. */
export function mutateEncoding(valid: Uint8Array, mutations: readonly WireMutation[]): Uint8Array {
  const records = parseWire(valid) ?? [];
  for (const mutation of mutations) {
    if (mutation.kind === 'append') {
      const tag = varint((BigInt(mutation.field) << 3n) | BigInt(mutation.wireType));
      records.push({ field: 0, wireType: 0, bodyType: -1, payload: concat([tag, mutation.body]) });
      continue;
    }
    if (!('node' in mutation)) continue;
    const nodes = flatten(records);
    const target = nodes[mutation.node % Math.max(nodes.length, 1)];
    if (!target) continue;
    const { record, siblings } = target;
    switch (mutation.kind) {
      case 'retype':
        record.wireType = mutation.wireType;
        break;
      case 'varint':
        Object.assign(record, { wireType: wireType.varint, bodyType: wireType.varint, payload: mutation.body });
        delete record.children;
        break;
      case 'length':
        if (record.bodyType === wireType.len) record.declaredLength = mutation.length;
        break;
      case 'utf8':
        Object.assign(record, { wireType: wireType.len, bodyType: wireType.len, payload: mutation.payload });
        delete record.children;
        break;
      case 'nest':
        Object.assign(record, {
          wireType: wireType.len,
          bodyType: wireType.len,
          payload: nestedGroups(1, mutation.depth),
        });
        delete record.children;
        break;
      case 'timestamp':
        Object.assign(record, {
          wireType: wireType.len,
          bodyType: wireType.len,
          payload: rawTimestamp(mutation.seconds, mutation.nanos),
        });
        delete record.children;
        break;
      case 'duplicate':
        siblings.push(structuredClone(record));
        break;
      case 'delete':
        siblings.splice(siblings.indexOf(record), 1);
        break;
    }
  }
  // Appended records are written raw (bodyType -1): tag and body as generated.
  let bytes = concat(records.map((record) => (record.bodyType === -1 ? record.payload : serializeWire([record]))));
  for (const mutation of mutations) {
    if (mutation.kind === 'truncate') bytes = bytes.subarray(0, mutation.at % (bytes.length + 1));
    else if (mutation.kind === 'flip' && bytes.length > 0) {
      bytes = Uint8Array.from(bytes);
      const index = mutation.at % bytes.length;
      bytes[index] = (bytes[index] as number) ^ mutation.xor;
    } else if (mutation.kind === 'insert') {
      const index = mutation.at % (bytes.length + 1);
      bytes = concat([bytes.subarray(0, index), mutation.bytes, bytes.subarray(index)]);
    }
  }
  return bytes;
}

/** The field numbers of a request's top-level Timestamp fields, read off their encoding. */
export function timestampFieldNumbers(method: ContractMethod): number[] {
  return Object.entries(method.requestShape.fields)
    .filter(([, shape]) => shape.kind === 'timestamp')
    .map(([name]) => {
      const bytes = method.request.encode(method.request.fromPartial({ [name]: new Date(1_000) })).finish();
      return Number(readVarint(bytes, 0)[0] >> 3n);
    });
}

/** A field holding `message`, as its encoding inside the parent. */
export function lengthDelimited(field: number, message: Uint8Array): Uint8Array {
  return concat([varint((BigInt(field) << 3n) | BigInt(wireType.len)), varint(BigInt(message.length)), message]);
}

/** A Timestamp's seconds and nanos beyond what a Date holds, for fields of that type. */
export function rawTimestamp(seconds: bigint, nanos: bigint): Uint8Array {
  return concat([Uint8Array.of(0x08), varint(seconds), Uint8Array.of(0x10), varint(nanos)]);
}

/*
 * Calls.
 */

export interface CallOutcome {
  code: GrpcStatus;
  details: string;
  /** The answer's bytes, on OK. */
  response?: Buffer;
}

const passThrough = (bytes: Buffer) => bytes;

/** A client that sends bytes as they are: the request is never encoded, the answer never decoded. */
export function rawClient(port: number): Client {
  return new Client(`127.0.0.1:${port}`, credentials.createInsecure(), {
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
  });
}

export function callRaw(
  client: Client,
  path: string,
  request: Uint8Array,
  metadata: Metadata,
  deadlineMs: number,
): Promise<CallOutcome> {
  return new Promise((resolve) => {
    client.makeUnaryRequest<Buffer, Buffer>(
      path,
      passThrough,
      passThrough,
      Buffer.from(request),
      metadata,
      { deadline: Date.now() + deadlineMs },
      (error, response) => {
        if (error) resolve({ code: error.code, details: error.details });
        else resolve({ code: GrpcStatus.OK, details: '', ...(response ? { response } : {}) });
      },
    );
  });
}

/** The caller context as the gateway sends it, and what a careless or hostile caller might send instead. */
export interface FuzzMetadata {
  entries: Array<[string, string | Uint8Array]>;
}

export function toMetadata(fuzzed: FuzzMetadata): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of fuzzed.entries) {
    metadata.add(key, typeof value === 'string' ? value : Buffer.from(value));
  }
  return metadata;
}

/** Printable ASCII: what an ordinary metadata value may hold (grpc-js refuses the rest client-side). */
export const printableAscii = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
});

/**
 * One gRPC message on an HTTP/2 stream of our own making: framing grpc-js would never send
 * (a length prefix that lies, a compressed flag without an encoding, two messages for a unary
 * method, none at all). Resolves with grpc-status, or undefined when none came.
 */
export function callFramed(
  port: number,
  path: string,
  body: Uint8Array,
  options: { headers?: Record<string, string>; timeoutMs: number },
): Promise<{ code: number | undefined; details: string; httpStatus: number | undefined; error?: string }> {
  return new Promise((resolve) => {
    const session = connect(`http://127.0.0.1:${port}`);
    let httpStatus: number | undefined;
    let code: number | undefined;
    let details = '';
    const finish = (error?: string) => {
      clearTimeout(timer);
      session.close();
      session.destroy();
      resolve({ code, details, httpStatus, ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => finish('no answer in time'), options.timeoutMs);
    session.on('error', (error) => finish(`session error: ${error.message}`));
    const read = (headers: Record<string, unknown>) => {
      if (headers[http2.HTTP2_HEADER_STATUS] !== undefined) httpStatus = Number(headers[http2.HTTP2_HEADER_STATUS]);
      if (headers['grpc-status'] !== undefined) code = Number(headers['grpc-status']);
      if (typeof headers['grpc-message'] === 'string') details = decodeURIComponent(headers['grpc-message']);
    };
    const stream = session.request({
      [http2.HTTP2_HEADER_METHOD]: 'POST',
      [http2.HTTP2_HEADER_PATH]: path,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...options.headers,
    });
    stream.on('response', read);
    stream.on('trailers', read);
    stream.on('error', (error) => finish(`stream error: ${error.message}`));
    stream.on('data', () => {});
    stream.on('close', () => finish());
    stream.end(Buffer.from(body));
  });
}

/** A gRPC length-prefixed message: compressed flag, 4-byte length (which may lie), bytes. */
export function grpcFrame(message: Uint8Array, options: { compressed?: boolean; length?: number } = {}): Uint8Array {
  const header = Buffer.alloc(5);
  header.writeUInt8(options.compressed ? 1 : 0, 0);
  header.writeUInt32BE(options.length ?? message.length, 1);
  return concat([header, message]);
}

/** grpc.health.v1.Health/Check for the whole server: true when it answers SERVING. */
export async function healthServing(client: Client): Promise<boolean> {
  const outcome = await callRaw(client, '/grpc.health.v1.Health/Check', new Uint8Array(), new Metadata(), 5_000);
  // HealthCheckResponse { status: SERVING (1) } is field 1, varint 1.
  return outcome.code === GrpcStatus.OK && outcome.response?.equals(Buffer.from([0x08, 0x01])) === true;
}

/** Every string in a decoded answer (ids, codes, names), for the fuzzer's dictionary. */
export function stringsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    if (value !== '' && value.length <= 120) into.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) stringsIn(item, into);
  } else if (isRecord(value) && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    for (const item of Object.values(value)) stringsIn(item, into);
  }
  return into;
}

/**
 * `value`, printed by fast-check as `text`: a counterexample of 20,000 list items or 100,000
 * characters would bury the report (the seed and path still replay the whole value).
 */
export function printedAs<T extends object>(value: T, text: string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => text, enumerable: false });
  return value;
}

/** JSON with long lists and strings cut short, bytes in hex. */
export function compactJson(value: unknown): string {
  return JSON.stringify(value, (_, item: unknown) => {
    if (typeof item === 'bigint') return item.toString();
    if (item instanceof Uint8Array) return `<${hex(item)}>`;
    if (typeof item === 'string' && item.length > 80) return `${item.slice(0, 40)}… (${item.length} chars)`;
    if (Array.isArray(item) && item.length > 8) return [...item.slice(0, 3), `… (${item.length} items)`];
    return item;
  });
}

export function hex(bytes: Uint8Array, max = 64): string {
  const text = Buffer.from(bytes.subarray(0, max)).toString('hex');
  return bytes.length > max ? `${text}… (${bytes.length} bytes)` : text;
}

export const statusName = (code: number | undefined) =>
  code === undefined ? 'no status' : (GrpcStatus[code] ?? `status ${code}`);
