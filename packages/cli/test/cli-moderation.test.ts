import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOrganisation, startCliSuite, type CliSuite } from './cli-harness.ts';

/** Issue 11 from the terminal: a worker moderates a training group, a member reports a message. */

let suite: CliSuite;
beforeAll(async () => {
  suite = await startCliSuite();
}, 90_000);
afterAll(() => suite.close());

describe('spreekuur group moderation and reports (CLI)', () => {
  it('mutes, locks, pins, bans; a member cannot; a report is verified by the moderator and resolved', async () => {
    const { worker, residents } = await cliOrganisation(suite, 'cli-moderation', ['Mo', 'Lisa']);
    const [mo, lisa] = residents as [(typeof residents)[0], (typeof residents)[0]];
    const group = await suite.json<{ id: string }>(
      worker.profile,
      'group',
      'create',
      '--name',
      'Training',
      '--member',
      mo.personId,
      '--member',
      lisa.personId,
    );
    const g = ['--channel', group.id];
    const spam = await suite.json<{ seq: number }>(mo.profile, 'send', ...g, 'Koop nu goedkope pillen');

    const muted = await suite.run(worker.profile, 'group', 'mute', ...g, '--person', mo.personId, '--minutes', '10');
    expect(muted.code, muted.err).toBe(0);
    expect(muted.out).toContain(`Gedempt: ${mo.personId}`);
    const silent = await suite.run(mo.profile, 'send', ...g, 'Nog een keer');
    expect(silent.code).toBe(1);
    expect(silent.err).toContain('ERR_MOD_MUTED');
    // A member acting as a moderator is refused, and nothing changes.
    const member = await suite.run(lisa.profile, 'group', 'unmute', ...g, '--person', mo.personId);
    expect(member.code).toBe(1);
    expect(member.err).toContain('ERR_CHAT_ROLE_REQUIRED');
    expect((await suite.run(lisa.profile, 'group', 'state', ...g)).out).toContain(`Gedempt: ${mo.personId}`);
    expect((await suite.run(worker.profile, 'group', 'unmute', ...g, '--person', mo.personId)).code).toBe(0);

    const slow = await suite.run(worker.profile, 'group', 'slow-mode', ...g, '--seconds', '30', '--lang', 'en');
    expect(slow.out).toContain('Slow mode: 30 s');
    expect((await suite.run(worker.profile, 'group', 'slow-mode', ...g, '--seconds', '0')).code).toBe(0);
    expect((await suite.run(worker.profile, 'group', 'announcements', ...g, '--state', 'on')).code).toBe(0);
    const locked = await suite.run(lisa.profile, 'send', ...g, 'Mag ik iets vragen?');
    expect(locked.code).toBe(1);
    expect(locked.err).toContain('ERR_MOD_CHANNEL_LOCKED');
    expect((await suite.run(worker.profile, 'group', 'announcements', ...g, '--state', 'off')).code).toBe(0);
    const badState = await suite.run(worker.profile, 'group', 'announcements', ...g, '--state', 'misschien');
    expect(badState.code).toBe(64);
    expect((await suite.run(worker.profile, 'group', 'pin', ...g, '--seq', String(spam.seq))).out).toContain(
      `Vastgezet: #${spam.seq}`,
    );
    expect((await suite.run(worker.profile, 'group', 'unpin', ...g, '--seq', String(spam.seq))).out).not.toContain(
      'Vastgezet',
    );

    // Lisa reads the message on her device (it keeps the franked copy) and reports it.
    expect((await suite.run(lisa.profile, 'history', ...g)).out).toContain('Koop nu goedkope pillen');
    const report = await suite.json<{ id: string }>(
      lisa.profile,
      'report',
      'create',
      ...g,
      '--seq',
      String(spam.seq),
      '--reason',
      'spam',
      '--note',
      'Reclame',
    );
    const again = await suite.run(lisa.profile, 'report', 'create', ...g, '--seq', String(spam.seq), '--reason', 'spam');
    expect(again.code).toBe(1);
    expect(again.err).toContain('ERR_MOD_REPORT_DUPLICATE');
    const queue = await suite.run(worker.profile, 'report', 'list', ...g, '--status', 'open');
    expect(queue.code, queue.err).toBe(0);
    expect(queue.out).toContain(`${report.id}  #${spam.seq}  spam  open`);
    expect(queue.out).toContain('✓ echt verstuurd');
    expect(queue.out).toContain('Koop nu goedkope pillen');
    expect(queue.out).toContain('(Reclame)');
    expect((await suite.run(lisa.profile, 'report', 'list', ...g)).code).toBe(1);
    const resolved = await suite.run(worker.profile, 'report', 'resolve', '--report', report.id, '--resolution', 'action_taken');
    expect(resolved.code, resolved.err).toBe(0);
    expect((await suite.run(lisa.profile, 'report', 'list')).out).toContain(`${report.id}  #${spam.seq}  spam  action_taken`);

    // A banned person is removed and cannot be added back until unbanned.
    expect((await suite.run(worker.profile, 'group', 'ban', ...g, '--person', mo.personId)).out).toContain(
      `Verbannen: ${mo.personId}`,
    );
    const back = await suite.run(worker.profile, 'group', 'add', ...g, '--person', mo.personId);
    expect(back.code).toBe(1);
    expect(back.err).toContain('ERR_MOD_BANNED');
    expect((await suite.run(worker.profile, 'group', 'unban', ...g, '--person', mo.personId)).code).toBe(0);
    expect((await suite.run(worker.profile, 'group', 'add', ...g, '--person', mo.personId)).code).toBe(0);
  });
});
