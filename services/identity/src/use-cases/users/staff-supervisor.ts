import { AppError } from '@balai/platform';
import type { User, UserRepository } from '../../data/users/user-repository.js';

/**
 * How far up the reports-to chain a check walks. Real chains are a handful of levels; the bound
 * keeps a chain that concurrent changes looped anyway (no transactions here) from spinning.
 */
export const maxSupervisorChain = 32;

const supervisorIdPattern = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Checks who a staff member is to report to and returns the id to store (null: nobody). The
 * supervisor must be an active staff member of the same tenant, not the member themself, and
 * the chain above them must not lead back to the member (SUPERVISOR_CYCLE). `userId` is null
 * for a member not created yet, whom nobody can report to.
 */
export async function validateSupervisor(
  users: Pick<UserRepository, 'findById'>,
  tenantId: string,
  userId: string | null,
  supervisorId: unknown,
): Promise<string | null> {
  if (supervisorId === undefined || supervisorId === null || supervisorId === '') return null;
  if (typeof supervisorId !== 'string' || !supervisorIdPattern.test(supervisorId)) {
    throw new AppError('VALIDATION_FAILED', 'The supervisor is not valid', [
      { field: '/supervisorId', message: 'must be a user id' },
    ]);
  }
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
