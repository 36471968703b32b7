import { describe, expect, it } from 'vitest';
import { formatInviteCode, normaliseInviteCode } from './invite-code.ts';
import { decideDeviceLinkFor, decideInvite } from './invite-policy.ts';

describe('decideInvite', () => {
  const team = 'team-1';
  it('lets an admin invite any role, requiring a team except for admins', () => {
    expect(decideInvite({ role: 'admin', teamIds: [] }, { role: 'admin' })).toEqual({ allowed: true });
    expect(decideInvite({ role: 'admin', teamIds: [] }, { role: 'worker', teamId: team })).toEqual({
      allowed: true,
    });
    expect(decideInvite({ role: 'admin', teamIds: [] }, { role: 'worker' })).toEqual({
      allowed: false,
      reason: 'team_required',
    });
  });
  it('lets a worker invite residents into their own teams only', () => {
    const worker = { role: 'worker' as const, teamIds: [team] };
    expect(decideInvite(worker, { role: 'resident', teamId: team })).toEqual({ allowed: true });
    expect(decideInvite(worker, { role: 'resident', teamId: 'other' })).toEqual({
      allowed: false,
      reason: 'not_in_team',
    });
    expect(decideInvite(worker, { role: 'worker', teamId: team })).toEqual({
      allowed: false,
      reason: 'role_not_allowed',
    });
    expect(decideInvite(worker, { role: 'resident' })).toEqual({ allowed: false, reason: 'team_required' });
  });
  it('lets residents invite nobody', () => {
    expect(decideInvite({ role: 'resident', teamIds: [team] }, { role: 'resident', teamId: team })).toEqual({
      allowed: false,
      reason: 'role_not_allowed',
    });
  });
});

describe('decideDeviceLinkFor', () => {
  const resident = { role: 'resident' as const, teamIds: ['team-1'] };
  it('lets an admin link a device for anyone', () => {
    for (const role of ['resident', 'worker', 'admin'] as const)
      expect(decideDeviceLinkFor({ role: 'admin', teamIds: [] }, { role, teamIds: [] })).toEqual({
        allowed: true,
      });
  });
  it('lets a worker link a device only for a resident of a shared team', () => {
    const worker = { role: 'worker' as const, teamIds: ['team-0', 'team-1'] };
    expect(decideDeviceLinkFor(worker, resident)).toEqual({ allowed: true });
    expect(decideDeviceLinkFor(worker, { role: 'resident', teamIds: ['team-2'] })).toEqual({
      allowed: false,
      reason: 'not_in_team',
    });
    expect(decideDeviceLinkFor(worker, { role: 'worker', teamIds: ['team-1'] })).toEqual({
      allowed: false,
      reason: 'not_a_resident',
    });
  });
  it('lets a resident link a device for nobody', () => {
    expect(decideDeviceLinkFor(resident, resident)).toEqual({ allowed: false, reason: 'role_not_allowed' });
  });
});

describe('invite codes', () => {
  it('formats 80 random bits as four groups of unambiguous characters', () => {
    expect(formatInviteCode(new Uint8Array(10))).toBe('0000-0000-0000-0000');
    expect(formatInviteCode(new Uint8Array(10).fill(255))).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    const code = formatInviteCode(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  });
  it('normalises what people type', () => {
    expect(normaliseInviteCode(' abcd-efgh jkmn-pqrs ')).toBe('ABCDEFGHJKMNPQRS');
  });
});
