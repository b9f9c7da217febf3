import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Language } from './http/language.js';

/** How one error code shows on each transport. */
export interface ErrorKind {
  http: number;
  grpc: GrpcStatus;
  /** In English: the default message, and what gRPC carries between services. */
  title: string;
  /** The same in Indonesian, the default language of HTTP answers (problem+json `title`). */
  titleIndonesian: string;
  /** Whether a consumer should retry an event whose handling failed with this code. */
  retryable?: boolean;
}

/** Codes every service shares. Each service adds its own (defineErrors, registerErrors). */
export const platformErrors = {
  VALIDATION_FAILED: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'The request is not valid',
    titleIndonesian: 'Permintaan tidak valid',
  },
  MALFORMED_JSON: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'The request body is not valid JSON',
    titleIndonesian: 'Isi permintaan bukan JSON yang valid',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    http: 415,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'The content type is not supported',
    titleIndonesian: 'Jenis konten tidak didukung',
  },
  PAYLOAD_TOO_LARGE: {
    http: 413,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'The request body is too large',
    titleIndonesian: 'Isi permintaan terlalu besar',
  },
  MALFORMED_REQUEST: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'The request is not well-formed HTTP (for example a control character in a header)',
    titleIndonesian: 'Permintaan bukan HTTP yang benar (misalnya ada karakter kontrol di sebuah header)',
  },
  LENGTH_REQUIRED: {
    http: 411,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'The request body needs a Content-Length',
    titleIndonesian: 'Isi permintaan harus disertai Content-Length',
  },
  HEADERS_TOO_LARGE: {
    http: 431,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'The request headers are too large',
    titleIndonesian: 'Header permintaan terlalu besar',
  },
  REQUEST_TIMEOUT: {
    http: 408,
    grpc: GrpcStatus.DEADLINE_EXCEEDED,
    title: 'The request was not received in time',
    titleIndonesian: 'Permintaan tidak diterima tepat waktu',
  },
  RATE_LIMITED: {
    http: 429,
    grpc: GrpcStatus.RESOURCE_EXHAUSTED,
    title: 'Too many requests; try again after the time Retry-After gives',
    titleIndonesian: 'Terlalu banyak permintaan; coba lagi setelah waktu yang disebut Retry-After',
  },
  NOT_FOUND: {
    http: 404,
    grpc: GrpcStatus.NOT_FOUND,
    title: 'The resource does not exist',
    titleIndonesian: 'Sumber daya tidak ditemukan',
  },
  ROUTE_NOT_FOUND: {
    http: 404,
    grpc: GrpcStatus.UNIMPLEMENTED,
    title: 'No such route',
    titleIndonesian: 'Rute tidak ditemukan',
  },
  METHOD_NOT_ALLOWED: {
    http: 405,
    grpc: GrpcStatus.UNIMPLEMENTED,
    title: 'Method not allowed',
    titleIndonesian: 'Metode tidak diizinkan untuk rute ini',
  },
  STALE_VERSION: {
    http: 409,
    grpc: GrpcStatus.ABORTED,
    title: 'The resource was changed by someone else',
    titleIndonesian: 'Sumber daya sudah diubah oleh pihak lain',
  },
  INVALID_IF_MATCH: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'The If-Match header is not one ETag of this resource',
    titleIndonesian: 'Header If-Match bukan satu ETag dari sumber daya ini',
  },
  IF_MATCH_CONFLICT: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'If-Match and expectedVersion name different versions',
    titleIndonesian: 'If-Match dan expectedVersion menyebut versi yang berbeda',
  },
  UNAUTHENTICATED: {
    http: 401,
    grpc: GrpcStatus.UNAUTHENTICATED,
    title: 'Authentication is required',
    titleIndonesian: 'Autentikasi diperlukan',
  },
  FORBIDDEN: {
    http: 403,
    grpc: GrpcStatus.PERMISSION_DENIED,
    title: 'The caller may not do this',
    titleIndonesian: 'Pemanggil tidak diizinkan melakukan ini',
  },
  TENANT_REQUIRED: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'A tenant must be given',
    titleIndonesian: 'Tenant harus disebutkan',
  },
  UNKNOWN_TENANT: {
    http: 404,
    grpc: GrpcStatus.NOT_FOUND,
    title: 'The tenant does not exist',
    titleIndonesian: 'Tenant tidak ditemukan',
  },
  UPSTREAM_UNAVAILABLE: {
    http: 503,
    grpc: GrpcStatus.UNAVAILABLE,
    title: 'A service needed for this request is unavailable',
    titleIndonesian: 'Layanan yang diperlukan untuk permintaan ini sedang tidak tersedia',
    retryable: true,
  },
  UPSTREAM_TIMEOUT: {
    http: 504,
    grpc: GrpcStatus.DEADLINE_EXCEEDED,
    title: 'A service needed for this request did not answer in time',
    titleIndonesian: 'Layanan yang diperlukan untuk permintaan ini tidak menjawab tepat waktu',
    retryable: true,
  },
  INTERNAL: {
    http: 500,
    grpc: GrpcStatus.INTERNAL,
    title: 'Internal error',
    titleIndonesian: 'Terjadi kesalahan internal',
    retryable: true,
  },
} as const satisfies Record<string, ErrorKind>;

/**
 * Every error code a process may throw, by name. The platform's are here; a service adds its
 * own next to their definitions by declaration merging:
 *
 *     declare module '@balai/platform' {
 *       interface ErrorCodes extends Record<keyof typeof complaintErrors, ErrorKind> {}
 *     }
 *
 * so `new AppError('COMPLAINT_NOT_FOUND')` compiles in the complaints service and a misspelt or
 * another service's code does not.
 */
export interface ErrorCodes extends Record<keyof typeof platformErrors, ErrorKind> {}

export type ErrorCode = keyof ErrorCodes & string;

const registry = new Map<string, ErrorKind>(Object.entries(platformErrors));

/** A service's own error codes, typed; registerErrors() makes them known to the process at start-up. */
export function defineErrors<const T extends Record<string, ErrorKind>>(codes: T): T {
  return codes;
}

/**
 * Makes error codes known to this process, next to the platform's: each service calls it once
 * as it starts, with every set it throws or receives from the services it calls. A code it does
 * not know is answered as INTERNAL (500), whatever it was meant to be.
 */
export function registerErrors(...sets: Record<string, ErrorKind>[]): void {
  for (const codes of sets) {
    for (const [code, kind] of Object.entries(codes)) {
      const known = registry.get(code);
      if (known && known !== kind) throw new Error(`error code ${code} is defined twice`);
      registry.set(code, kind);
    }
  }
}

export function errorKind(code: string): ErrorKind {
  return registry.get(code) ?? platformErrors.INTERNAL;
}

/** The part of an HTTP request a detail's field is in (OpenAPI's parameter `in`, and the body). */
export type RequestPart = 'body' | 'query' | 'path' | 'header';

export interface ErrorDetail {
  /**
   * The field the detail is about: a JSON Pointer (RFC 6901) into the request part `in` names
   * (`/categoryCode` of the query, `/location/lat` of the body), or a field name.
   */
  field?: string;
  /** Which part of the request `field` points into; absent for a detail about no one part. */
  in?: RequestPart;
  message: string;
}

/*
 * What an error may carry out of a process, whatever its input was: a validator that reports
 * one detail per item of a 5,000-item list, or echoes a 100,000-character value, must not make
 * an answer that large. Past 64 KB gRPC's trailers break the whole connection (other callers'
 * calls with it), and over HTTP a 1 MB request could be answered with 40 MB.
 */
const maxMessageLength = 1000;
const maxDetailLength = 300;
const maxDetails = 20;

function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  // toWellFormed: a cut between the halves of a surrogate pair leaves no lone half behind.
  return `${text.slice(0, max).toWellFormed()}…`;
}

/** An error's message and details cut to what any transport carries (the first 20 details, then a count). */
export function boundedErrorText(error: AppError): { message: string; details: ErrorDetail[] } {
  const details = error.details.slice(0, maxDetails).map((detail): ErrorDetail => {
    const message = bounded(String(detail.message), maxDetailLength);
    return {
      ...(detail.field === undefined ? {} : { field: bounded(String(detail.field), maxDetailLength) }),
      ...(detail.in === undefined ? {} : { in: detail.in }),
      message,
    };
  });
  if (error.details.length > maxDetails) details.push({ message: `and ${error.details.length - maxDetails} more` });
  return { message: bounded(String(error.message), maxMessageLength), details };
}

/**
 * Machine-readable facts an error carries besides its code, for the caller to act on; each is a
 * problem+json extension member over HTTP and crosses gRPC in metadata (grpc/status.ts). A
 * closed list: a member is added here, with the consumer it serves, never from free input.
 */
export interface ErrorExtensions {
  /** STALE_VERSION: the version the resource is at now, so the caller can re-read and retry. */
  currentVersion?: number;
}

/** Only the members ErrorExtensions names, of the right type: what crosses a process boundary. */
export function wellFormedExtensions(value: unknown): ErrorExtensions {
  if (typeof value !== 'object' || value === null) return {};
  const { currentVersion } = value as Record<string, unknown>;
  return typeof currentVersion === 'number' && Number.isInteger(currentVersion) && currentVersion >= 0
    ? { currentVersion }
    : {};
}

/** The one error the domain throws: a stable code, a human message, optional details. */
export class AppError extends Error {
  readonly code: string;

  constructor(code: ErrorCode, message?: string, details?: ErrorDetail[], extensions?: ErrorExtensions);
  constructor(
    code: string,
    message?: string,
    readonly details: ErrorDetail[] = [],
    readonly extensions: ErrorExtensions = {},
  ) {
    super(message ?? errorKind(code).title);
    this.code = code;
    this.name = 'AppError';
  }

  /**
   * An error another process reported, by the code it sent: carried as received, known here or
   * not (an unknown one is answered as INTERNAL by errorKind).
   */
  static received(
    code: string,
    message?: string,
    details: ErrorDetail[] = [],
    extensions: ErrorExtensions = {},
  ): AppError {
    // The one place a code is taken on trust: it came over the wire, not from this code base.
    return new AppError(code as ErrorCode, message, details, extensions);
  }

  get kind(): ErrorKind {
    return errorKind(this.code);
  }

  /**
   * This error as a caller reading `language` is answered with. The code's title is looked up
   * by the transport; a message a use case wrote stays as written (English), and only errors
   * that carry their text in every language (LocalisedAppError) give it in another.
   */
  inLanguage(_language: Language): AppError {
    return this;
  }
}

/** Text of an error in one language: its message and its details. */
export interface ErrorText {
  message: string;
  details?: ErrorDetail[];
}

/** An error whose message and details are written in every language answers are given in. */
export class LocalisedAppError extends AppError {
  constructor(
    code: ErrorCode,
    private readonly texts: Record<Language, ErrorText>,
    extensions?: ErrorExtensions,
  ) {
    super(code, texts.en.message, texts.en.details, extensions);
  }

  override inLanguage(language: Language): AppError {
    if (language === 'en') return this;
    const text = this.texts[language];
    return AppError.received(this.code, text.message, text.details, this.extensions);
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/**
 * The MongoDB driver's errors for a store it cannot reach (a restart, a lost connection), by
 * name: mongoose may carry its own copy of the driver, so `instanceof` would miss its errors.
 */
const storeUnreachable = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
]);

/**
 * Any thrown value as the AppError a caller is answered with: an AppError as it is; the store
 * out of reach as UPSTREAM_UNAVAILABLE (503, retryable: the same call will work once it is
 * back, as the fault runs in docs/RELIABILITY.md showed); anything else as INTERNAL, which
 * leaks nothing.
 */
export function asAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (error instanceof Error && storeUnreachable.has(error.name)) return new AppError('UPSTREAM_UNAVAILABLE');
  return new AppError('INTERNAL');
}

/**
 * STALE_VERSION, always with the version the resource is at now: an HTTP client gets it as the
 * problem's `currentVersion` and the ETag, and re-reads or retries without guessing.
 */
export function staleVersion(currentVersion: number, message?: string): AppError {
  return new AppError('STALE_VERSION', message, [], { currentVersion });
}

/** A 429: the caller may try again after `retryAfterSeconds` (HTTP sends it as Retry-After). */
export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', `Too many requests of this kind; try again in ${retryAfterSeconds} s`);
  }

  override inLanguage(language: Language): AppError {
    if (language === 'en') return this;
    return AppError.received(
      this.code,
      `Terlalu banyak permintaan jenis ini; coba lagi dalam ${this.retryAfterSeconds} detik`,
    );
  }
}
