import { describe, expect, it } from 'vitest';
import {
  mayChangeSettings,
  mayDeleteMessage,
  mayLeave,
  mayManageMembers,
  membersFollowTheQueue,
  maySend,
} from './channel-permissions.ts';
import { mayCreateGroup, mayFetchKeysOf, mayOpenDirect, type PersonFacts } from './contact-policy.ts';
import { checkRecipientDevices } from './device-set.ts';

const person = (id: string, role: PersonFacts['role'], teamIds: string[] = []): PersonFacts => ({
  id,
  role,
  teamIds,
});

describe('contact policy', () => {
  const worker = person('w', 'worker', ['t1']);
  const colleague = person('c', 'worker', ['t1']);
  const otherTeamWorker = person('o', 'worker', ['t2']);
  const resident = person('r', 'resident', ['t1']);
  const neighbour = person('n', 'resident', ['t1']);
  const admin = person('a', 'admin');

  it('lets workers and residents of one team, colleagues and admins talk directly', () => {
    expect(mayOpenDirect(worker, resident)).toBe(true);
    expect(mayOpenDirect(resident, worker)).toBe(true);
    expect(mayOpenDirect(worker, colleague)).toBe(true);
    expect(mayOpenDirect(admin, resident)).toBe(true);
    expect(mayOpenDirect(resident, admin)).toBe(true);
  });

  it('keeps residents from approaching each other, and strangers apart', () => {
    expect(mayOpenDirect(resident, neighbour)).toBe(false);
    expect(mayOpenDirect(otherTeamWorker, resident)).toBe(false);
    expect(mayOpenDirect(worker, worker)).toBe(false);
  });

  it('hands out keys only to those who may talk', () => {
    expect(mayFetchKeysOf(resident, neighbour, false)).toBe(false);
    expect(mayFetchKeysOf(resident, neighbour, true)).toBe(true);
    expect(mayFetchKeysOf(resident, resident, false)).toBe(true);
    expect(mayFetchKeysOf(otherTeamWorker, resident, false)).toBe(false);
  });

  it('lets only professionals create groups', () => {
    expect(mayCreateGroup('worker')).toBe(true);
    expect(mayCreateGroup('admin')).toBe(true);
    expect(mayCreateGroup('resident')).toBe(false);
  });
});

describe('channel permissions', () => {
  it('reserves member management in groups for owners and moderators', () => {
    expect(mayManageMembers('group', 'owner')).toBe(true);
    expect(mayManageMembers('group', 'moderator')).toBe(true);
    expect(mayManageMembers('group', 'member')).toBe(false);
    expect(mayManageMembers('direct', 'owner')).toBe(false);
    expect(mayLeave('group')).toBe(true);
    expect(mayLeave('direct')).toBe(false);
    // Office-hour conversations change members only through the queue.
    expect(membersFollowTheQueue('office_hour')).toBe(true);
    expect(membersFollowTheQueue('group')).toBe(false);
    expect(mayManageMembers('office_hour', 'owner')).toBe(false);
    expect(mayLeave('office_hour')).toBe(false);
  });

  it('lets senders delete their own messages and moderators any in a group', () => {
    expect(mayDeleteMessage('direct', { personId: 'p', role: 'member' }, 'p')).toBe(true);
    expect(mayDeleteMessage('direct', { personId: 'p', role: 'owner' }, 'q')).toBe(false);
    expect(mayDeleteMessage('group', { personId: 'm', role: 'moderator' }, 'q')).toBe(true);
    expect(mayDeleteMessage('group', { personId: 'm', role: 'member' }, 'q')).toBe(false);
  });

  it('decides who sets the timer and who may post in announcements-only groups', () => {
    expect(mayChangeSettings('direct', 'member')).toBe(true);
    expect(mayChangeSettings('group', 'member')).toBe(false);
    expect(maySend(true, 'member')).toBe(false);
    expect(maySend(true, 'moderator')).toBe(true);
    expect(maySend(false, 'member')).toBe(true);
  });
});

describe('recipient device check', () => {
  it('accepts exactly the expected devices in any order', () => {
    expect(checkRecipientDevices(['a', 'b'], ['b', 'a'])).toEqual({ ok: true });
    expect(checkRecipientDevices([], [])).toEqual({ ok: true });
  });

  it('names missing and extra devices', () => {
    expect(checkRecipientDevices(['a', 'b', 'c'], ['a', 'x'])).toEqual({
      ok: false,
      mismatch: { missing: ['b', 'c'], extra: ['x'] },
    });
  });

  it('refuses a device addressed twice', () => {
    expect(checkRecipientDevices(['a'], ['a', 'a'])).toEqual({ ok: false, duplicate: 'a' });
  });
});
