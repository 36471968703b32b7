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
import { addressedDevices, envelopeBytes } from './envelopes.ts';
import { readableEnd, receiptCursors } from './readable-log.ts';
import { chunkCount, expectedChunkBytes, PENDING_FILES_PER_PERSON, uploadRefusal } from './uploads.ts';

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

describe('readable log', () => {
  it('ends at the last entry for members and at their removal for former members', () => {
    expect(readableEnd(12, null)).toBe(12);
    expect(readableEnd(12, 7)).toBe(7);
    expect(readableEnd(5, 7)).toBe(5);
  });

  it('keeps receipt cursors within the readable log, reading implying delivery', () => {
    expect(receiptCursors({ readSeq: 4 }, 10)).toEqual({ deliveredSeq: 4, readSeq: 4 });
    expect(receiptCursors({ deliveredSeq: 8, readSeq: 3 }, 10)).toEqual({ deliveredSeq: 8, readSeq: 3 });
    expect(receiptCursors({ deliveredSeq: 50, readSeq: 40 }, 10)).toEqual({ deliveredSeq: 10, readSeq: 10 });
    expect(receiptCursors({}, 10)).toEqual({ deliveredSeq: 0, readSeq: 0 });
  });
});

describe('uploads', () => {
  const limits = { maxFileBytes: 100, orgQuotaBytes: 1_000 };

  it('caps unfinished uploads per person before the organisation quota', () => {
    const cap = limits.maxFileBytes * PENDING_FILES_PER_PERSON;
    expect(uploadRefusal(100, { used: 0, pendingMine: cap - 100 }, limits)).toBeNull();
    expect(uploadRefusal(100, { used: 0, pendingMine: cap - 99 }, limits)).toBe('too_many_uploads');
    expect(uploadRefusal(100, { used: 901, pendingMine: 0 }, limits)).toBe('quota_exceeded');
    expect(uploadRefusal(100, { used: 900, pendingMine: 0 }, limits)).toBeNull();
  });

  it('splits a file into full chunks and a shorter last one', () => {
    expect(chunkCount(10, 4)).toBe(3);
    expect(chunkCount(8, 4)).toBe(2);
    const file = { size: 10, chunkSize: 4, chunkCount: 3 };
    expect([0, 1, 2].map((index) => expectedChunkBytes(file, index))).toEqual([4, 4, 2]);
  });
});

describe('envelopes', () => {
  const common = { channelId: 'c', clientId: 'client-1' };

  it('counts the ciphertext bytes of every payload, or of the one group ciphertext', () => {
    const pairwise = {
      ...common,
      kind: 'pairwise' as const,
      payloads: [
        { deviceId: 'a', ciphertext: 'AAAA' },
        { deviceId: 'b', ciphertext: 'AAAAAAAA' },
      ],
    };
    expect(envelopeBytes(pairwise)).toBe(9);
    expect(addressedDevices(pairwise)).toEqual(['a', 'b']);
    const group = { ...common, kind: 'group' as const, ciphertext: 'AAAAAA', recipientDeviceIds: ['x'] };
    expect(envelopeBytes(group)).toBe(4);
    expect(addressedDevices(group)).toEqual(['x']);
  });
});
