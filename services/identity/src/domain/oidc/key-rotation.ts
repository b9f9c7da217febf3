/**
 * When signing keys are created, start signing and stop being published. Pure: the key ring
 * (key-ring.ts) reads the keys, applies the plan and reloads the provider when the selection
 * changes, on every instance, so they agree without talking to each other.
 *
 * A key's life: created → published only (until `activatesAt`, so every instance and every
 * verifier's JWKS cache knows it before a token carries its kid) → signing (the newest
 * activated key) → published only again once its successor signs, until `retiresAt`, when
 * every token it signed has expired → deleted.
 */

export interface KeyTimeline {
  id: string;
  generation: number;
  createdAt: Date;
  activatesAt: Date;
  retiresAt?: Date;
}

export interface RotationPolicy {
  /** Age of the newest key at which a successor is created. */
  rotateAfterMs: number;
  /** How long a new key is published before it signs. */
  publishAheadMs: number;
  /** How long a key stays published after its successor starts signing: the longest lifetime of what it signed. */
  retireAfterMs: number;
}

export interface KeyPlan {
  /** A key to create, with its generation (the next after every key ever stored). */
  create?: { generation: number; activatesAt: Date };
  /** Keys whose successor exists (or is planned) and which get their retirement date now. */
  retire: { id: string; retiresAt: Date }[];
  /** Keys past their retirement, to delete. */
  purge: string[];
}

const isLive = (now: Date) => (key: KeyTimeline) => key.retiresAt === undefined || key.retiresAt > now;
const byGeneration = (a: KeyTimeline, b: KeyTimeline) => a.generation - b.generation;

export function planKeys(keys: readonly KeyTimeline[], now: Date, policy: RotationPolicy): KeyPlan {
  const live = keys.filter(isLive(now)).sort(byGeneration);
  const lastGeneration = keys.reduce((max, key) => Math.max(max, key.generation), 0);
  const newest = live.at(-1);
  let create: KeyPlan['create'];
  if (!newest) {
    // Nothing can sign yet, so there is nobody to warn ahead: the first key signs at once.
    create = { generation: lastGeneration + 1, activatesAt: now };
  } else if (newest.createdAt.getTime() + policy.rotateAfterMs <= now.getTime()) {
    create = { generation: lastGeneration + 1, activatesAt: new Date(now.getTime() + policy.publishAheadMs) };
  }
  const successors: { generation: number; activatesAt: Date }[] = [...live, ...(create ? [create] : [])];
  const retire: KeyPlan['retire'] = [];
  for (const key of live) {
    if (key.retiresAt !== undefined) continue;
    const successor = successors.find((other) => other.generation > key.generation);
    if (successor) {
      retire.push({ id: key.id, retiresAt: new Date(successor.activatesAt.getTime() + policy.retireAfterMs) });
    }
  }
  const purge = keys.filter((key) => !isLive(now)(key)).map((key) => key.id);
  return { ...(create ? { create } : {}), retire, purge };
}

export interface KeySelection<K extends KeyTimeline> {
  /** The key that signs: the newest activated one. */
  signing: K;
  /** Published for verification only: successors not yet active, predecessors not yet retired. */
  verifyOnly: K[];
}

/** Which live keys sign and which are only published; undefined when there is no live key. */
export function selectKeys<K extends KeyTimeline>(keys: readonly K[], now: Date): KeySelection<K> | undefined {
  const live = keys.filter(isLive(now)).sort(byGeneration);
  const activated = live.filter((key) => key.activatesAt <= now);
  // Only possible if every active key was deleted by hand: sign with the oldest pending one.
  const signing = activated.at(-1) ?? live[0];
  if (!signing) return undefined;
  return { signing, verifyOnly: live.filter((key) => key !== signing) };
}
