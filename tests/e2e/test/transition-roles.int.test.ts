import { complaintWorkflow, rolesOf, type TransitionName } from '@balai/complaints';
import { complaintTransitionNames, complaintTransitionRoles } from '@balai/gateway';
import { describe, expect, it } from 'vitest';

/*
 * The gateway refuses a caller by its route table before the complaints service checks the
 * workflow's guards; both state who may take each transition. The gateway may not import the
 * service, so this test holds the two together: a role only one of them knows is either a
 * caller turned away at the gateway who should not be, or a request the service always refuses.
 */

const workflowTransitions = Object.keys(complaintWorkflow).filter(
  (name): name is TransitionName => name in complaintWorkflow,
);
const gatewayRoles: Record<string, readonly string[] | undefined> = complaintTransitionRoles;

describe('who may take each complaint transition', () => {
  it.each(workflowTransitions)('should let through at the gateway exactly the roles of the %s guards', (name) => {
    expect(new Set(gatewayRoles[name] ?? [])).toEqual(new Set(rolesOf(name)));
  });

  it('should route no transition the workflow does not have', () => {
    expect(Object.keys(gatewayRoles).filter((name) => !(name in complaintWorkflow))).toEqual([]);
  });

  it("should name in allowedActions' enum exactly the workflow's transitions, in its order", () => {
    expect(complaintTransitionNames).toEqual(workflowTransitions);
  });
});
