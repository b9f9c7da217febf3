import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { OAuthClientRepository } from './oauth-client-repository.js';
import type { OidcPayloadDocument, OidcPayloadModel } from './oidc.schema.js';

/**
 * The only code that touches `oidc_payloads`: every oidc-provider model in one collection,
 * keyed `<Model>:<id>`. Expiry is enforced on read (FerretDB has no TTL index) and by
 * `purgeExpired`, which the maintenance timer calls.
 */
export class OidcPayloadRepository {
  constructor(
    private readonly model: OidcPayloadModel,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async upsert(modelName: string, id: string, payload: AdapterPayload, expiresInSeconds?: number): Promise<void> {
    const fields: Omit<OidcPayloadDocument, '_id'> = { model: modelName, payload: JSON.stringify(payload) };
    const unset: Record<string, ''> = {};
    const optional = {
      grantId: typeof payload.grantId === 'string' ? payload.grantId : undefined,
      uid: typeof payload.uid === 'string' ? payload.uid : undefined,
      userCode: typeof payload.userCode === 'string' ? payload.userCode : undefined,
      expiresAt:
        expiresInSeconds !== undefined && expiresInSeconds > 0
          ? new Date(this.clock().getTime() + expiresInSeconds * 1000)
          : undefined,
    };
    for (const [name, value] of Object.entries(optional)) {
      if (value === undefined) unset[name] = '';
      else Object.assign(fields, { [name]: value });
    }
    // An upsert replaces the record (sessions and grants are re-saved whole), consumption included.
    unset.consumed = '';
    const update: Record<string, unknown> = { $set: fields, $unset: unset };
    await this.model.updateOne({ _id: key(modelName, id) }, update, { upsert: true }).exec();
  }

  async find(modelName: string, id: string): Promise<AdapterPayload | undefined> {
    const document = await this.model.findById(key(modelName, id)).lean<OidcPayloadDocument>().exec();
    return this.live(document);
  }

  async findByUid(modelName: string, uid: string): Promise<AdapterPayload | undefined> {
    const document = await this.model
      .findOne({ model: modelName, uid: String(uid) })
      .lean<OidcPayloadDocument>()
      .exec();
    return this.live(document);
  }

  async findByUserCode(modelName: string, userCode: string): Promise<AdapterPayload | undefined> {
    const document = await this.model
      .findOne({ model: modelName, userCode: String(userCode) })
      .lean<OidcPayloadDocument>()
      .exec();
    return this.live(document);
  }

  async consume(modelName: string, id: string): Promise<void> {
    const consumed = Math.floor(this.clock().getTime() / 1000);
    await this.model.updateOne({ _id: key(modelName, id) }, { $set: { consumed } }).exec();
  }

  async destroy(modelName: string, id: string): Promise<void> {
    await this.model.deleteOne({ _id: key(modelName, id) }).exec();
  }

  async revokeByGrantId(modelName: string, grantId: string): Promise<void> {
    await this.model.deleteMany({ model: modelName, grantId: String(grantId) }).exec();
  }

  /** Deletes expired records; returns how many. */
  async purgeExpired(): Promise<number> {
    const result = await this.model.deleteMany({ expiresAt: { $lte: this.clock() } }).exec();
    return result.deletedCount;
  }

  private live(document: OidcPayloadDocument | null): AdapterPayload | undefined {
    if (!document) return undefined;
    if (document.expiresAt && document.expiresAt.getTime() <= this.clock().getTime()) return undefined;
    const payload = JSON.parse(document.payload) as AdapterPayload;
    return document.consumed === undefined ? payload : { ...payload, consumed: document.consumed };
  }
}

function key(modelName: string, id: string): string {
  return `${modelName}:${String(id)}`;
}

/**
 * oidc-provider's adapter factory: `Client` reads the registered clients (read-only: dynamic
 * registration is off), every other model the payload repository.
 */
export function oidcAdapterFactory(payloads: OidcPayloadRepository, clients: OAuthClientRepository) {
  return (modelName: string): Adapter => {
    if (modelName === 'Client') {
      return {
        find: async (id) => clients.findMetadata(id),
        upsert: async () => {
          throw new Error('clients are registered through registerClient, not dynamically');
        },
        findByUid: async () => undefined,
        findByUserCode: async () => undefined,
        consume: async () => {},
        destroy: async () => {},
        revokeByGrantId: async () => {},
      };
    }
    return {
      upsert: (id, payload, expiresIn) => payloads.upsert(modelName, id, payload, expiresIn),
      find: (id) => payloads.find(modelName, id),
      findByUid: (uid) => payloads.findByUid(modelName, uid),
      findByUserCode: (userCode) => payloads.findByUserCode(modelName, userCode),
      consume: (id) => payloads.consume(modelName, id),
      destroy: (id) => payloads.destroy(modelName, id),
      revokeByGrantId: (grantId) => payloads.revokeByGrantId(modelName, grantId),
    };
  };
}
