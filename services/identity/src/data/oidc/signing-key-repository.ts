import { isDuplicateKey } from '@balai/platform';
import type { SigningKeyDocument, SigningKeyModel, SigningKeyUse } from './oidc.schema.js';

/** The only code that touches `signing_keys`. */
export class SigningKeyRepository {
  constructor(private readonly model: SigningKeyModel) {}

  async list(use: SigningKeyUse): Promise<SigningKeyDocument[]> {
    // A handful of documents: no index needed.
    return this.model.find({ use }).lean<SigningKeyDocument[]>().exec();
  }

  /** False when another instance created this generation first. */
  async insert(key: SigningKeyDocument): Promise<boolean> {
    try {
      await this.model.create(key);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async setRetirement(id: string, retiresAt: Date): Promise<void> {
    await this.model.updateOne({ _id: String(id), retiresAt: { $exists: false } }, { $set: { retiresAt } }).exec();
  }

  async delete(id: string): Promise<void> {
    await this.model.deleteOne({ _id: String(id) }).exec();
  }
}
