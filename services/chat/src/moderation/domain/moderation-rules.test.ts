import { describe, expect, it } from 'vitest';
import {
  mayActOn,
  mayChangeRoles,
  mayModerate,
  sendRefusal,
  tracksSlowMode,
  type SendContext,
} from './moderation-rules.ts';

const now = new Date('2026-12-03T12:00:00Z');
const member: SendContext = {
  kind: 'group',
  role: 'member',
  locked: false,
  mutedUntil: null,
  slowModeSeconds: 0,
  lastMessageAt: null,
  now,
};
const seconds = (n: number) => new Date(now.getTime() + n * 1000);

describe('moderation rules', () => {
  it('only owners and moderators of groups moderate; only owners change roles', () => {
    expect(mayModerate('group', 'owner')).toBe(true);
    expect(mayModerate('group', 'moderator')).toBe(true);
    expect(mayModerate('group', 'member')).toBe(false);
    expect(mayModerate('direct', 'owner')).toBe(false);
    expect(mayModerate('office_hour', 'moderator')).toBe(false);
    expect(mayChangeRoles('group', 'owner')).toBe(true);
    expect(mayChangeRoles('group', 'moderator')).toBe(false);
  });

  it('nobody acts on the owner or themselves; moderators act on members, owners also on moderators', () => {
    const owner = { personId: 'o', role: 'owner' as const };
    const moderator = { personId: 'm', role: 'moderator' as const };
    const plain = { personId: 'p', role: 'member' as const };
    expect(mayActOn(moderator, plain)).toBe(true);
    expect(mayActOn(moderator, owner)).toBe(false);
    expect(mayActOn(moderator, { personId: 'm2', role: 'moderator' })).toBe(false);
    expect(mayActOn(moderator, moderator)).toBe(false);
    expect(mayActOn(owner, moderator)).toBe(true);
    expect(mayActOn(owner, owner)).toBe(false);
  });

  it('send: lock, then mute, then slow mode; moderators and other kinds of channel pass', () => {
    expect(sendRefusal(member)).toBeNull();
    expect(sendRefusal({ ...member, locked: true })).toEqual({ code: 'ERR_MOD_CHANNEL_LOCKED' });
    expect(sendRefusal({ ...member, locked: true, role: 'moderator' })).toBeNull();
    expect(sendRefusal({ ...member, mutedUntil: seconds(60) })).toEqual({
      code: 'ERR_MOD_MUTED',
      until: seconds(60),
    });
    expect(sendRefusal({ ...member, mutedUntil: now })).toBeNull();
    expect(sendRefusal({ ...member, slowModeSeconds: 30, lastMessageAt: seconds(-10) })).toEqual({
      code: 'ERR_MOD_SLOW_MODE',
      retryAfterSeconds: 20,
    });
    expect(sendRefusal({ ...member, slowModeSeconds: 30, lastMessageAt: seconds(-30) })).toBeNull();
    expect(sendRefusal({ ...member, slowModeSeconds: 30, lastMessageAt: seconds(-29.5) })).toEqual({
      code: 'ERR_MOD_SLOW_MODE',
      retryAfterSeconds: 1,
    });
    expect(sendRefusal({ ...member, kind: 'direct', locked: true, mutedUntil: seconds(60) })).toBeNull();
    expect(tracksSlowMode('group', 'member', 30)).toBe(true);
    expect(tracksSlowMode('group', 'moderator', 30)).toBe(false);
    expect(tracksSlowMode('group', 'member', 0)).toBe(false);
  });
});
