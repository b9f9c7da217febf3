import { AppError, checkFields, userId as userIdField } from '@balai/platform';
import Type from 'typebox';
import type { User, UserRepository } from '../../data/users/user-repository.js';

/**
 * How far up the reports-to chain a check walks. Real chains are a handful of levels; the bound
 * keeps a chain that concurrent changes looped anyway (no transactions here) from spinning.
 */
export const maxSupervisorChain = 32;

/** Whom a staff member reports to: a user of the tenant. */
export const SupervisorSchema = Type.Object({ supervisorId: userIdField() });

/**
 * Checks who a staff member is to report to and returns the id to store (null: nobody, when
 * `given` is empty). The
 * supervisor must be an active staff member of the same tenant, not the member themself, and
 * the chain above them must not lead back to the member (SUPERVISOR_CYCLE). `userId` is null
 * for a member not created yet, whom nobody can report to.
 */
export async function validateSupervisor(
  users: Pick<UserRepository, 'findById'>,
  tenantId: string,
  userId: string | null,
  given: string | undefined,
): Promise<string | null> {
  if (!given) return null;
  const { supervisorId } = checkFields(SupervisorSchema, { supervisorId: given }, 'The supervisor is not valid');
  if (supervisorId === userId) {
    throw new AppError('SUPERVISOR_CYCLE', 'A staff member cannot report to themself', [
      { field: '/supervisorId', message: 'is the staff member themself' },
    ]);
  }
  const supervisor = await users.findById(tenantId, supervisorId);
  if (supervisor?.kind !== 'staff' || supervisor.status !== 'active') {
    throw new AppError('SUPERVISOR_NOT_ELIGIBLE', 'Name an active staff member of this tenant', [
      { field: '/supervisorId', message: 'is not an active staff member of this tenant' },
    ]);
  }
  if (userId !== null) await refuseCycle(users, tenantId, userId, supervisor);
  return supervisorId;
}

async function refuseCycle(
  users: Pick<UserRepository, 'findById'>,
  tenantId: string,
  userId: string,
  supervisor: User,
): Promise<void> {
  const seen = new Set<string>([supervisor._id]);
  let next = supervisor.supervisorId ?? null;
  for (let hops = 1; next !== null && next !== ''; hops += 1) {
    if (next === userId || seen.has(next)) {
      throw new AppError('SUPERVISOR_CYCLE', 'The supervisor already reports, directly or not, to this staff member', [
        { field: '/supervisorId', message: 'would make the reports-to chain loop' },
      ]);
    }
    if (hops >= maxSupervisorChain) {
      throw new AppError('SUPERVISOR_CYCLE', `The reports-to chain would be longer than ${maxSupervisorChain}`, [
        { field: '/supervisorId', message: 'has too long a reports-to chain' },
      ]);
    }
    seen.add(next);
    next = (await users.findById(tenantId, next))?.supervisorId ?? null;
  }
}
