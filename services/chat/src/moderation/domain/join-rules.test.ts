import { describe, expect, it } from 'vitest';
import { joinDecision, type JoinContext } from './join-rules.ts';

const stranger: JoinContext = {
  linkRevoked: false,
  member: false,
  banned: false,
  pending: false,
  approvalRequired: false,
};

describe('joinDecision', () => {
  it('joins at once, or asks when the group requires approval', () => {
    expect(joinDecision(stranger)).toEqual({ outcome: 'join' });
    expect(joinDecision({ ...stranger, approvalRequired: true })).toEqual({ outcome: 'request' });
  });

  it('a revoked link opens nothing, not even for a member; a ban keeps out whatever link', () => {
    expect(joinDecision({ ...stranger, linkRevoked: true, member: true })).toEqual({
      outcome: 'refused',
      code: 'ERR_MOD_LINK_REVOKED',
    });
    expect(joinDecision({ ...stranger, banned: true })).toEqual({
      outcome: 'refused',
      code: 'ERR_MOD_BANNED',
    });
    expect(joinDecision({ ...stranger, banned: true, approvalRequired: true })).toMatchObject({
      code: 'ERR_MOD_BANNED',
    });
  });

  it('a member or someone already waiting changes nothing', () => {
    expect(joinDecision({ ...stranger, member: true })).toEqual({ outcome: 'unchanged', status: 'joined' });
    expect(joinDecision({ ...stranger, pending: true, approvalRequired: true })).toEqual({
      outcome: 'unchanged',
      status: 'pending',
    });
  });
});
