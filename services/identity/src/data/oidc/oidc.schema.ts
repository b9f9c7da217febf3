import { type Connection, type Model, Schema } from 'mongoose';

/*
 * The OIDC provider's collections. FerretDB has no TTL indexes, so every record that expires
 * carries `expiresAt`: reads treat a past `expiresAt` as absent, and a periodic purge deletes
 * them (see OidcPayloadRepository.purgeExpired and LoginThrottleRepository.purgeExpired).
 */

/** One oidc-provider record (session, interaction, code, token, grant, ...). */
export interface OidcPayloadDocument {
  /** `<Model>:<id>`, e.g. `RefreshToken:abc`: exact-_id reads are the ones FerretDB indexes. */
  _id: string;
  model: string;
  /**
   * The library's payload as JSON text: its keys include resource indicator URIs and claim
   * names, which may hold dots and other characters a document key must not.
   */
  payload: string;
  grantId?: string;
  uid?: string;
  userCode?: string;
  /** Epoch seconds when consumed (single-use codes, rotated refresh tokens). */
  consumed?: number;
  expiresAt?: Date;
}

const oidcPayloadSchema = new Schema<OidcPayloadDocument>(
  {
    _id: { type: String, required: true },
    model: { type: String, required: true },
    payload: { type: String, required: true },
    grantId: { type: String },
    uid: { type: String },
    userCode: { type: String },
    consumed: { type: Number },
    expiresAt: { type: Date },
  },
  { collection: 'oidc_payloads', versionKey: false, strict: 'throw' },
);

// Serves revokeByGrantId: revoking a grant (refresh token reuse, revocation) deletes its tokens.
oidcPayloadSchema.index({ grantId: 1 });
// Serves findByUid (sessions and interactions by their uid).
oidcPayloadSchema.index({ uid: 1 });
// Serves findByUserCode (device flow; kept for the adapter contract).
oidcPayloadSchema.index({ userCode: 1 });
// Serves the periodic purge of expired records.
oidcPayloadSchema.index({ expiresAt: 1 });

export type OidcPayloadModel = Model<OidcPayloadDocument>;

/** Who a partner app (Open311) is and who registered it: kept for the tenant's admins. */
export interface PartnerAppFields {
  name: string;
  /** Personal data: shown to the tenant's admins, never put in events or logs. */
  contactEmail: string | null;
  /** The admin who registered it. */
  createdBy: string;
}

/** A registered OAuth client: its oidc-provider metadata, the secret only as a hash. */
export interface OAuthClientDocument {
  /** The client_id. */
  _id: string;
  /** Client metadata (RFC 7591 names) as JSON text, `client_secret` replaced by its hash. */
  metadata: string;
  createdAt: Date;
  /** Partner apps: their tenant (the same as the metadata's `tenant_id`), to list them by tenant. */
  tenantId?: string;
  /** Present on partner apps only (machine clients registered through RegisterPartnerApp). */
  partner?: PartnerAppFields;
  /** A revoked client is unknown to the provider: its token requests fail with invalid_client. */
  revokedAt?: Date;
  revokedBy?: string;
}

const partnerAppFieldsSchema = new Schema<PartnerAppFields>(
  {
    name: { type: String, required: true },
    contactEmail: { type: String, default: null },
    createdBy: { type: String, required: true },
  },
  { _id: false, strict: 'throw' },
);

const oauthClientSchema = new Schema<OAuthClientDocument>(
  {
    _id: { type: String, required: true },
    metadata: { type: String, required: true },
    createdAt: { type: Date, required: true },
    tenantId: { type: String },
    partner: { type: partnerAppFieldsSchema },
    revokedAt: { type: Date },
    revokedBy: { type: String },
  },
  { collection: 'oauth_clients', versionKey: false, strict: 'throw' },
);

// Serves listPartnerApps: a tenant's partner apps in registration order.
oauthClientSchema.index({ tenantId: 1, createdAt: 1 });

export type OAuthClientModel = Model<OAuthClientDocument>;

export type SigningKeyUse = 'jws' | 'cookie';

/** A signing key: an ES256 JWK for tokens, or an HMAC secret for the provider's cookies. */
export interface SigningKeyDocument {
  /** `<use>:<generation>`: two instances rotating at once race on the same _id, and one wins. */
  _id: string;
  use: SigningKeyUse;
  generation: number;
  kid: string;
  /** The private JWK (jws) or `{ k }` with the base64url secret (cookie). Never logged. */
  privateJwk: Record<string, string>;
  createdAt: Date;
  /** When it starts signing; until then it is only published (verification). */
  activatesAt: Date;
  /** When it stops being published: every token it signed has expired by then. */
  retiresAt?: Date;
}

const signingKeySchema = new Schema<SigningKeyDocument>(
  {
    _id: { type: String, required: true },
    use: { type: String, required: true, enum: ['jws', 'cookie'] },
    generation: { type: Number, required: true },
    kid: { type: String, required: true },
    privateJwk: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
    activatesAt: { type: Date, required: true },
    retiresAt: { type: Date },
  },
  { collection: 'signing_keys', versionKey: false, strict: 'throw' },
);

export type SigningKeyModel = Model<SigningKeyDocument>;

/** Failed logins of one account or one client address. */
export interface LoginThrottleDocument {
  /** `account:<tenant>:id:<user id>`, `account:<tenant>:login:<normalised login>` (no such account) or `ip:<address>`. */
  _id: string;
  failures: number;
  lastFailureAt: Date;
  /** A counter left alone this long starts again from zero. */
  expiresAt: Date;
}

const loginThrottleSchema = new Schema<LoginThrottleDocument>(
  {
    _id: { type: String, required: true },
    failures: { type: Number, required: true },
    lastFailureAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'login_throttle', versionKey: false, strict: 'throw' },
);

// Serves the periodic purge of stale counters.
loginThrottleSchema.index({ expiresAt: 1 });

export type LoginThrottleModel = Model<LoginThrottleDocument>;

export interface OidcModels {
  payloads: OidcPayloadModel;
  clients: OAuthClientModel;
  signingKeys: SigningKeyModel;
  loginThrottle: LoginThrottleModel;
}

export function oidcModels(connection: Connection): OidcModels {
  return {
    payloads: connection.model<OidcPayloadDocument>('OidcPayload', oidcPayloadSchema),
    clients: connection.model<OAuthClientDocument>('OAuthClient', oauthClientSchema),
    signingKeys: connection.model<SigningKeyDocument>('SigningKey', signingKeySchema),
    loginThrottle: connection.model<LoginThrottleDocument>('LoginThrottle', loginThrottleSchema),
  };
}
