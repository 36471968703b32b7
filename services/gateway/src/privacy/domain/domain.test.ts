import { describe, expect, it } from 'vitest';
import { RETENTION_LIMITS, retentionSettings } from '@spreekuur/protocol/privacy';
import { auditCsv } from './audit-csv.ts';
import { mayActOn, mayErase, type Caller, type Target } from './privacy-access.ts';
import {
  changedFields,
  cutoff,
  defaultRetention,
  effectiveRetention,
  mergeTeamOverrides,
  retentionWords,
} from './retention-policy.ts';

const org = '00000000-0000-4000-8000-000000000001';
const other = '00000000-0000-4000-8000-000000000002';
const admin: Caller = { orgId: org, personId: 'a', role: 'admin' };
const worker: Caller = { orgId: org, personId: 'w', role: 'worker' };
const resident: Target = { orgId: org, personId: 'r', role: 'resident', erased: false };

describe('retention policy', () => {
  it('has defaults inside their own limits', () => {
    expect(retentionSettings.parse(defaultRetention())).toEqual(defaultRetention());
    expect(defaultRetention().officeHourDays).toBe(RETENTION_LIMITS.officeHourDays.default);
  });

  it('fills what an older row lacks with the defaults', () => {
    expect(effectiveRetention({ messagesDays: 7 })).toEqual({ ...defaultRetention(), messagesDays: 7 });
    expect(effectiveRetention(null)).toEqual(defaultRetention());
  });

  it('merges team overrides: number replaces, null removes, absent keeps', () => {
    const merged = mergeTeamOverrides(
      { officeHourDays: 10, queueDays: 5 },
      { queueDays: null, appointmentsDays: 60 },
    );
    expect(merged).toEqual({ officeHourDays: 10, queueDays: null, appointmentsDays: 60 });
  });

  it('computes cut-offs in whole days and names only changed fields', () => {
    expect(cutoff(new Date('2026-03-31T12:00:00Z'), 30).toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(changedFields(defaultRetention(), { ...defaultRetention(), filesDays: 3 })).toEqual({
      filesDays: 3,
    });
  });

  it('says the periods in plain words in both languages', () => {
    const words = retentionWords({ ...defaultRetention(), officeHourDays: 1 });
    expect(words.nl).toContain('Chatspreekuur-gesprekken worden 1 dag na afloop gewist.');
    expect(words.en).toContain('Office-hour chats are erased 1 day after they ended.');
    expect(words.nl).toHaveLength(words.en.length);
  });
});

describe('who may export or erase whom', () => {
  it('lets a person act on themselves and an admin on anyone of the organisation', () => {
    expect(mayActOn({ ...resident, role: 'resident' }, resident)).toBe('allowed');
    expect(mayActOn(admin, resident)).toBe('allowed');
  });

  it('answers not found to other roles, other organisations, erased and unknown people', () => {
    expect(mayActOn(worker, resident)).toBe('not_found');
    expect(mayActOn(admin, { ...resident, orgId: other })).toBe('not_found');
    expect(mayActOn(admin, { ...resident, erased: true })).toBe('not_found');
    expect(mayActOn(admin, null)).toBe('not_found');
  });

  it('keeps the last admin', () => {
    const self: Target = { orgId: org, personId: 'a', role: 'admin', erased: false };
    expect(mayErase(admin, self, 0)).toBe('last_admin');
    expect(mayErase(admin, self, 1)).toBe('allowed');
  });
});

describe('audit CSV', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas', () => {
    const csv = auditCsv([
      {
        id: '1',
        at: '2026-01-01T00:00:00.000Z',
        action: 'team.created',
        actorPersonId: null,
        actorDeviceId: null,
        subjectType: 'team',
        subjectId: '=cmd',
        details: { name: 'a,"b"' },
      },
    ]);
    const [header, line] = csv.split('\r\n');
    expect(header).toBe('at,action,actor_person_id,actor_device_id,subject_type,subject_id,details');
    expect(line).toBe(`2026-01-01T00:00:00.000Z,team.created,,,team,'=cmd,"{""name"":""a,\\""b\\""""}"`);
  });
});
