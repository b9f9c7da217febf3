import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * Error codes a service sends over gRPC that its callers must tell apart, as data: the service
 * registers them (`defineErrors` of @balai/platform) and so does the gateway, which would
 * otherwise answer an unknown code with a 500. Same shape as the platform's `ErrorKind`.
 * A code, once published, keeps its meaning: it is part of the API contract like a field.
 */
export const identityErrorCodes = {
  NIK_INVALID: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'The NIK is not valid',
    titleIndonesian: 'NIK tidak valid',
  },
  PHONE_INVALID: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'The phone number is not a valid mobile number',
    titleIndonesian: 'Nomor telepon bukan nomor ponsel yang valid',
  },
  PASSWORD_REJECTED: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'The password does not meet the password policy',
    titleIndonesian: 'Kata sandi tidak memenuhi kebijakan kata sandi',
  },
  /** Wrong, expired, used-up or unknown code, or unknown contact: one answer, so nothing is revealed. */
  VERIFICATION_FAILED: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'The code is not valid for this contact',
    titleIndonesian: 'Kode tidak valid untuk kontak ini',
  },
  USER_NOT_FOUND: {
    http: 404,
    grpc: GrpcStatus.NOT_FOUND,
    title: 'The user does not exist',
    titleIndonesian: 'Pengguna tidak ditemukan',
  },
  AGENCY_NOT_FOUND: {
    http: 404,
    grpc: GrpcStatus.NOT_FOUND,
    title: 'The agency does not exist in this tenant',
    titleIndonesian: 'Instansi tidak ditemukan di tenant ini',
  },
  AGENCY_EXISTS: {
    http: 409,
    grpc: GrpcStatus.ALREADY_EXISTS,
    title: 'The tenant already has an agency with this id',
    titleIndonesian: 'Tenant sudah memiliki instansi dengan id ini',
  },
  LOGIN_TAKEN: {
    http: 409,
    grpc: GrpcStatus.ALREADY_EXISTS,
    title: 'The e-mail address or phone number is already used in this tenant',
    titleIndonesian: 'Alamat e-mail atau nomor telepon sudah digunakan di tenant ini',
  },
  /** The supervisor named is unknown, not staff, or not active in the tenant. */
  SUPERVISOR_NOT_ELIGIBLE: {
    http: 422,
    grpc: GrpcStatus.FAILED_PRECONDITION,
    title: 'The supervisor is not an active staff member of this tenant',
    titleIndonesian: 'Atasan bukan staf aktif di tenant ini',
  },
  /** The reports-to chain would loop back to the staff member (themself included). */
  SUPERVISOR_CYCLE: {
    http: 409,
    grpc: GrpcStatus.FAILED_PRECONDITION,
    title: 'The supervisor chain would form a cycle',
    titleIndonesian: 'Rantai atasan akan membentuk lingkaran',
  },
  /** Unknown client_id, another tenant's app, or a machine client that is not a partner app. */
  PARTNER_APP_NOT_FOUND: {
    http: 404,
    grpc: GrpcStatus.NOT_FOUND,
    title: 'The partner app does not exist',
    titleIndonesian: 'Aplikasi mitra tidak ditemukan',
  },
  /**
   * The caller's network address has used up its day's code requests (registration, resend) or
   * failed code checks (verification, activation). Counted per address for every such request,
   * whether or not the account exists, so it tells nothing about accounts. Not retryable today.
   */
  TOO_MANY_ATTEMPTS: {
    http: 429,
    grpc: GrpcStatus.RESOURCE_EXHAUSTED,
    title: 'Too many code requests or failed codes from this network address today; try again tomorrow',
    titleIndonesian:
      'Terlalu banyak permintaan kode atau kode yang salah dari alamat jaringan ini hari ini; coba lagi besok',
  },
} as const satisfies Record<
  string,
  { http: number; grpc: GrpcStatus; title: string; titleIndonesian: string; retryable?: boolean }
>;

/** Codes of the complaints service that callers must tell apart (see identityErrorCodes). */
export const complaintErrorCodes = {
  COMPLAINT_NOT_FOUND: {
    http: 404,
    grpc: GrpcStatus.NOT_FOUND,
    title: 'The complaint does not exist',
    titleIndonesian: 'Pengaduan tidak ditemukan',
  },
  CATEGORY_NOT_FOUND: {
    http: 404,
    grpc: GrpcStatus.NOT_FOUND,
    title: "The category is not in the tenant's service catalogue",
    titleIndonesian: 'Kategori tidak ada dalam katalog layanan tenant',
  },
  CATEGORY_EXISTS: {
    http: 409,
    grpc: GrpcStatus.ALREADY_EXISTS,
    title: 'The tenant already has a category with this code',
    titleIndonesian: 'Tenant sudah memiliki kategori dengan kode ini',
  },
  /** The complaint's state does not allow this transition (a duplicate takes none). */
  TRANSITION_NOT_ALLOWED: {
    http: 409,
    grpc: GrpcStatus.FAILED_PRECONDITION,
    title: 'The complaint cannot take this step in its current state',
    titleIndonesian: 'Pengaduan tidak dapat menjalani langkah ini pada statusnya sekarang',
  },
  REOPEN_WINDOW_EXPIRED: {
    http: 409,
    grpc: GrpcStatus.FAILED_PRECONDITION,
    title: 'The complaint can no longer be reopened',
    titleIndonesian: 'Pengaduan tidak dapat dibuka kembali lagi',
  },
  /** An Idempotency-Key sent again with a different complaint (IETF httpapi-idempotency-key: 422). */
  IDEMPOTENCY_KEY_REUSED: {
    http: 422,
    grpc: GrpcStatus.FAILED_PRECONDITION,
    title: 'The idempotency key was already used for a different complaint',
    titleIndonesian: 'Kunci idempotensi sudah dipakai untuk pengaduan lain',
  },
} as const satisfies Record<
  string,
  { http: number; grpc: GrpcStatus; title: string; titleIndonesian: string; retryable?: boolean }
>;
