import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOrganisation, startCliSuite, type CliSuite, type Person } from './cli-harness.ts';

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

    const muted = await suite.run(
      worker.profile,
      'group',
      'mute',
      ...g,
      '--person',
      mo.personId,
      '--minutes',
      '10',
    );
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

    const slow = await suite.run(
      worker.profile,
      'group',
      'slow-mode',
      ...g,
      '--seconds',
      '30',
      '--lang',
      'en',
    );
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
    expect(
      (await suite.run(worker.profile, 'group', 'unpin', ...g, '--seq', String(spam.seq))).out,
    ).not.toContain('Vastgezet');

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
    const again = await suite.run(
      lisa.profile,
      'report',
      'create',
      ...g,
      '--seq',
      String(spam.seq),
      '--reason',
      'spam',
    );
    expect(again.code).toBe(1);
    expect(again.err).toContain('ERR_MOD_REPORT_DUPLICATE');
    const queue = await suite.run(worker.profile, 'report', 'list', ...g, '--status', 'open');
    expect(queue.code, queue.err).toBe(0);
    expect(queue.out).toContain(`${report.id}  #${spam.seq}  spam  open`);
    expect(queue.out).toContain('✓ echt verstuurd');
    expect(queue.out).toContain('Koop nu goedkope pillen');
    expect(queue.out).toContain('(Reclame)');
    expect((await suite.run(lisa.profile, 'report', 'list', ...g)).code).toBe(1);
    const resolved = await suite.run(
      worker.profile,
      'report',
      'resolve',
      '--report',
      report.id,
      '--resolution',
      'action_taken',
    );
    expect(resolved.code, resolved.err).toBe(0);
    expect((await suite.run(lisa.profile, 'report', 'list')).out).toContain(
      `${report.id}  #${spam.seq}  spam  action_taken`,
    );

    // A banned person is removed and cannot be added back until unbanned.
    expect((await suite.run(worker.profile, 'group', 'ban', ...g, '--person', mo.personId)).out).toContain(
      `Verbannen: ${mo.personId}`,
    );
    const back = await suite.run(worker.profile, 'group', 'add', ...g, '--person', mo.personId);
    expect(back.code).toBe(1);
    expect(back.err).toContain('ERR_MOD_BANNED');
    expect((await suite.run(worker.profile, 'group', 'unban', ...g, '--person', mo.personId)).code).toBe(0);
    expect((await suite.run(worker.profile, 'group', 'add', ...g, '--person', mo.personId)).code).toBe(0);
  }, 90_000);
  it("roles, group links, approval to join, the admins' overview, and a ⚠ line for an unsigned member", async () => {
    const { admin, worker, residents } = await cliOrganisation(suite, 'cli-mod-links', [
      'Mo',
      'Lisa',
      'Kees',
      'Ties',
    ]);
    const [mo, lisa, kees, ties] = residents as [Person, Person, Person, Person];
    const group = await suite.json<{ id: string }>(
      worker.profile,
      'group',
      'create',
      '--name',
      'Training',
      '--member',
      mo.personId,
    );
    const g = ['--channel', group.id];

    // Only the owner changes roles; a member may not make links until made moderator.
    expect((await suite.run(mo.profile, 'group', 'link', 'create', ...g)).err).toContain(
      'ERR_CHAT_ROLE_REQUIRED',
    );
    const badRole = await suite.run(
      worker.profile,
      'group',
      'role',
      ...g,
      '--person',
      mo.personId,
      '--role',
      'baas',
    );
    expect(badRole.code).toBe(64);
    const promoted = await suite.run(
      worker.profile,
      'group',
      'role',
      ...g,
      '--person',
      mo.personId,
      '--role',
      'moderator',
    );
    expect(promoted.code, promoted.err).toBe(0);
    expect(promoted.out).toContain('Rol veranderd.');
    expect(
      (await suite.run(mo.profile, 'group', 'role', ...g, '--person', worker.personId, '--role', 'member'))
        .code,
    ).toBe(1);

    // The moderator asks for approval and makes a link: shown once, with the way to revoke it.
    expect((await suite.run(mo.profile, 'group', 'approval', ...g, '--state', 'aan')).code).toBe(0);
    const made = await suite.run(mo.profile, 'group', 'link', 'create', ...g);
    expect(made.code, made.err).toBe(0);
    const url = /Link: (\S+)/.exec(made.out)![1]!;
    expect(url).toMatch(new RegExp(`^${suite.gateway.url}/groepslink#[A-Za-z0-9_-]{43}$`));
    const linkId = /--link (\S+)/.exec(made.out)![1]!;
    expect((await suite.run(mo.profile, 'group', 'link', 'list', ...g)).out).not.toContain(url.split('#')[1]);

    // Lisa and Kees ask to join; the moderator lets Lisa in and refuses Kees.
    expect((await suite.run(lisa.profile, 'group', 'join', url)).out).toContain(
      'U heeft gevraagd om mee te doen',
    );
    const keesAsks = await suite.run(kees.profile, 'group', 'join', `#${url.split('#')[1]!}`);
    expect(keesAsks.code, keesAsks.err).toBe(0);
    const waiting = await suite.run(mo.profile, 'group', 'requests', ...g);
    expect(waiting.out).toContain(`${lisa.personId}  Lisa`);
    expect(waiting.out).toContain(`${kees.personId}  Kees`);
    expect((await suite.run(lisa.profile, 'group', 'requests', ...g)).err).toContain('ERR_CHAT_NOT_MEMBER');
    const let_in = await suite.run(mo.profile, 'group', 'approve', ...g, '--person', lisa.personId);
    expect(let_in.out).toContain('Toegelaten.');
    expect(let_in.out).toContain(`${kees.personId}  Kees`);
    expect((await suite.run(mo.profile, 'group', 'refuse', ...g, '--person', kees.personId)).out).toContain(
      'Niemand wacht om toegelaten te worden.',
    );
    expect((await suite.run(mo.profile, 'group', 'approve', ...g, '--person', kees.personId)).err).toContain(
      'ERR_NOT_FOUND',
    );
    expect((await suite.run(lisa.profile, 'channels')).out).toContain('Training');
    // An approved join is signed by the moderator's device: nobody is warned.
    const lisaIn = await suite.run(lisa.profile, 'group', 'state', ...g);
    expect(lisaIn.code, lisaIn.err).toBe(0);
    expect(lisaIn.out).not.toContain('⚠');
    expect((await suite.run(worker.profile, 'group', 'state', ...g)).out).not.toContain('⚠');
    expect((await suite.run(mo.profile, 'group', 'link', 'list', ...g)).out).toMatch(
      new RegExp(`${linkId} .*2× gebruikt  open`),
    );

    // A revoked link lets nobody in any more.
    expect((await suite.run(mo.profile, 'group', 'link', 'revoke', ...g, '--link', linkId)).out).toContain(
      'Ingetrokken.',
    );
    expect((await suite.run(kees.profile, 'group', 'join', url)).err).toContain('ERR_MOD_LINK_REVOKED');
    expect((await suite.run(mo.profile, 'group', 'join', 'geen-link')).code).toBe(64);

    // Back to member: the link commands are refused again.
    expect(
      (await suite.run(worker.profile, 'group', 'role', ...g, '--person', mo.personId, '--role', 'member'))
        .code,
    ).toBe(0);
    expect((await suite.run(mo.profile, 'group', 'link', 'list', ...g)).err).toContain(
      'ERR_CHAT_ROLE_REQUIRED',
    );

    // A member the server adds without a signature (here: the API without the SDK): a ⚠ line.
    const { token } = await suite.json<{ token: string }>(worker.profile, 'token');
    const unsigned = await suite.gateway.app.inject({
      method: 'POST',
      url: `/v1/channels/${group.id}/members`,
      headers: { authorization: `Bearer ${token}` },
      payload: { personId: ties.personId },
    });
    expect(unsigned.statusCode, unsigned.body).toBe(200);
    const warned = await suite.run(lisa.profile, 'group', 'state', ...g);
    expect(warned.out).toContain(
      `⚠ Let op: ${ties.personId} is toegevoegd aan groep ${group.id} zonder bevestiging van een beheerder van de groep (niet ondertekend). Vraag het na.`,
    );

    // The admins' overview: counts per group and how they were handled, never the content.
    const text = 'Dit is reclame voor pillen';
    const spam = await suite.json<{ seq: number }>(mo.profile, 'send', ...g, text);
    expect((await suite.run(lisa.profile, 'history', ...g)).out).toContain(text);
    await suite.json(lisa.profile, 'report', 'create', ...g, '--seq', String(spam.seq), '--reason', 'spam');
    const overview = await suite.run(admin.profile, 'report', 'overview');
    expect(overview.code, overview.err).toBe(0);
    expect(overview.out).toBe(`${group.id}  1 meldingen: 1 open, 0 niets gedaan, 0 iets gedaan`);
    expect(JSON.stringify(await suite.json(admin.profile, 'report', 'overview'))).not.toContain('pillen');
    expect((await suite.run(worker.profile, 'report', 'overview')).code).toBe(1);
  }, 120_000);
});
