import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_OPEN } from '@spreekuur/testing/scheduling';
import { startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { runCli } from '../src/main.ts';

/**
 * The whole office-hour flow through the CLI only, as the README walks a new user through it:
 * an organisation, its admin, a team, a worker on duty, a resident in the queue picked up, a
 * file each way, an appointment booked and cancelled.
 */

let gateway: TestGateway;
let dir: string;
beforeAll(async () => {
  gateway = await startGateway();
  dir = await mkdtemp(join(tmpdir(), 'spreekuur-cli-flow-'));
});
afterAll(async () => {
  await gateway.close();
  await rm(dir, { recursive: true, force: true });
});

async function cli(profile: string | null, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    [
      ...args,
      '--server',
      gateway.url,
      ...(profile ? ['--profile', join(dir, profile)] : ['--token', gateway.operatorToken]),
    ],
    (line) => out.push(line),
    (line) => err.push(line),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Runs a command with --json and returns its parsed answer (fails the test on a refusal). */
async function json<T>(profile: string | null, ...args: string[]): Promise<T> {
  const result = await cli(profile, ...args, '--json');
  if (result.code !== 0) throw new Error(`${args.join(' ')} → ${result.code}: ${result.err}`);
  return JSON.parse(result.out) as T;
}

const amsterdamDate = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 86_400_000).toLocaleDateString('sv-SE', {
    timeZone: 'Europe/Amsterdam',
  });

describe('the first office hour from the command line', () => {
  it('goes from create-org to a resident picked up, files both ways, and an appointment booked and cancelled', async () => {
    const org = await json<{ adminInvite: { code: string } }>(
      null,
      'operator',
      'create-org',
      '--name',
      'Welzijn Noord',
      '--slug',
      'welzijn-cli',
    );
    expect(
      (await cli('admin.json', 'register', '--invite', org.adminInvite.code, '--name', 'Anouk')).code,
    ).toBe(0);

    const team = await json<{ id: string }>('admin.json', 'team', 'create', '--name', 'Team Noord');
    const workerInvite = await cli('admin.json', 'invite', 'create', '--role', 'worker', '--team', team.id);
    expect(workerInvite.code).toBe(0);
    expect(workerInvite.out).toContain('Uitnodiging voor een medewerker');
    expect(workerInvite.out).toMatch(/[▀▄█]/); // the QR code
    const workerCode = /Code: ([0-9A-Z-]{19})/.exec(workerInvite.out)![1]!;
    expect((await cli('worker.json', 'register', '--invite', workerCode, '--name', 'Sanne')).code).toBe(0);

    // The admin is someone a worker can talk to.
    const people = await json<Array<{ displayName: string }>>('worker.json', 'people');
    expect(people.map((p) => p.displayName)).toContain('Anouk');

    const hours = join(dir, 'hours.json');
    await writeFile(hours, JSON.stringify(ALWAYS_OPEN));
    expect((await cli('worker.json', 'hours', 'set', '--file', hours)).code).toBe(0);
    const closed = await cli(
      'worker.json',
      'hours',
      'close',
      '--date',
      amsterdamDate(30),
      '--label',
      'Studiedag',
    );
    expect(closed.out).toContain('Studiedag');
    const shown = await json<{ hours: { overrides: unknown[] } }>('worker.json', 'hours', 'show');
    expect(shown.hours.overrides).toHaveLength(1);

    const residentInvite = await json<{ code: string }>(
      'worker.json',
      'invite',
      'create',
      '--role',
      'resident',
    );
    expect((await cli('mo.json', 'register', '--invite', residentInvite.code, '--name', 'Mo')).code).toBe(0);

    expect((await cli('worker.json', 'duty', 'on')).out).toContain('Je bent in dienst.');
    const joined = await cli('mo.json', 'queue', 'join');
    expect(joined.code).toBe(0);
    expect(joined.out).toMatch(/Plaats 1/);
    const queue = await json<{ view: { waiting: unknown[] } }>('worker.json', 'queue', 'list');
    expect(queue.view.waiting).toHaveLength(1);
    const taken = await json<{ channelId: string; entryId: string }>('worker.json', 'queue', 'take');
    expect((await cli('mo.json', 'queue', 'mine')).out).toContain('een medewerker helpt je nu');

    // Messages and a file each way, in the conversation the queue opened.
    const channel = taken.channelId;
    expect(
      (await cli('mo.json', 'send', '--channel', channel, 'Ik heb een vraag over mijn brief.')).code,
    ).toBe(0);
    expect((await cli('worker.json', 'send', '--channel', channel, 'Stuur hem maar.')).code).toBe(0);
    const letter = join(dir, 'brief.pdf');
    await writeFile(letter, Buffer.alloc(50_000, 0x41));
    expect((await cli('mo.json', 'send-file', '--channel', channel, letter)).code).toBe(0);
    const form = join(dir, 'formulier.txt');
    await writeFile(form, 'Vul dit in.');
    expect((await cli('worker.json', 'send-file', '--channel', channel, form)).code).toBe(0);

    const workerHistory = await json<Array<{ seq: number; content: { type: string; name?: string } }>>(
      'worker.json',
      'history',
      '--channel',
      channel,
    );
    const letterSeq = workerHistory.find((m) => m.content.name === 'brief.pdf')!.seq;
    const saved = join(dir, 'ontvangen.pdf');
    await cli('worker.json', 'download', '--channel', channel, '--seq', String(letterSeq), '--out', saved);
    expect((await readFile(saved)).equals(Buffer.alloc(50_000, 0x41))).toBe(true);
    const moHistory = await cli('mo.json', 'history', '--channel', channel);
    expect(moHistory.out).toContain('Sanne: Stuur hem maar.');
    expect(moHistory.out).toContain('formulier.txt');
    expect(moHistory.out).not.toContain('niet te lezen');

    expect(
      (
        await cli(
          'worker.json',
          'queue',
          'close',
          '--entry',
          taken.entryId,
          '--outcome',
          'appointment_booked',
        )
      ).code,
    ).toBe(0);

    // An appointment: a type, the worker's availability, a free slot, booked and cancelled.
    const type = await json<{ id: string }>(
      'worker.json',
      'appointment',
      'type-create',
      '--name',
      'Telefonisch gesprek',
      '--kind',
      'phone',
      '--minutes',
      '30',
    );
    expect((await cli('worker.json', 'availability', 'set', '--file', hours)).code).toBe(0);
    const workerId = (await json<{ person: { id: string } }>('worker.json', 'whoami')).person.id;
    const slots = await json<{ slots: Array<{ start: string }> }>(
      'mo.json',
      'appointment',
      'slots',
      '--type',
      type.id,
      '--worker',
      workerId,
      '--from',
      amsterdamDate(2),
      '--to',
      amsterdamDate(3),
    );
    expect(slots.slots.length).toBeGreaterThan(0);
    const booked = await json<{ id: string; status: string }>(
      'mo.json',
      'appointment',
      'book',
      '--type',
      type.id,
      '--worker',
      workerId,
      '--start',
      slots.slots[0]!.start,
    );
    expect(booked.status).toBe('booked');
    expect((await cli('worker.json', 'appointment', 'list')).out).toContain(booked.id);
    expect((await cli('mo.json', 'appointment', 'cancel', '--appointment', booked.id)).out).toContain(
      'Afspraak afgezegd.',
    );
    const feed = await cli('worker.json', 'calendar', 'feed');
    expect(feed.out).toMatch(/^http.*feed\.ics\?token=/);
    // The URL carries PUBLIC_URL; the test server listens elsewhere.
    const feedUrl = new URL(feed.out.split('\n')[0]!);
    const served = await fetch(`${gateway.url}${feedUrl.pathname}${feedUrl.search}`);
    expect(await served.text()).toContain('BEGIN:VCALENDAR');
  });

  it('refuses to overwrite a profile, names the field at fault, and names the server it cannot reach', async () => {
    const org = await json<{ adminInvite: { code: string }; organisation: { id: string } }>(
      null,
      'operator',
      'create-org',
      '--name',
      'Welzijn Zuid',
      '--slug',
      'welzijn-zuid-cli',
    );
    expect((await cli('zuid.json', 'register', '--invite', org.adminInvite.code, '--name', 'Eva')).code).toBe(
      0,
    );
    const before = await readFile(join(dir, 'zuid.json'), 'utf8');
    const again = await json<{ code: string }>(
      null,
      'operator',
      'admin-invite',
      '--org',
      org.organisation.id,
    );
    const overwrite = await cli('zuid.json', 'register', '--invite', again.code, '--name', 'Eva');
    expect(overwrite.code).toBe(64);
    expect(overwrite.err).toContain('hoort al bij een gekoppeld apparaat');
    expect(await readFile(join(dir, 'zuid.json'), 'utf8')).toBe(before);
    const forced = await cli('zuid.json', 'register', '--invite', again.code, '--name', 'Eva 2', '--force');
    expect(forced.code).toBe(0);

    const adminInvite = await cli(null, 'operator', 'admin-invite', '--org', org.organisation.id);
    expect(adminInvite.out).toContain('Uitnodiging voor een beheerder');
    expect(adminInvite.out).not.toContain('eerste');

    const empty = await cli('zuid.json', 'send', '--person', '00000000-0000-4000-8000-000000000000');
    expect(empty.code).toBe(64);
    expect(empty.err).toContain('<text>: ontbreekt');
    const blank = await cli('zuid.json', 'team', 'create', '--name', '   ');
    expect(blank.err).toContain('--name: mag niet leeg zijn');
    const wrongId = await cli('zuid.json', 'send', '--person', 'nobody', 'hoi', '--lang', 'en');
    expect(wrongId.err).toContain('--person: ');
    expect(wrongId.err).toContain('must be an id (UUID)');

    // The profile remembers the last --server; a dead one is named in the message.
    const out: string[] = [];
    const err: string[] = [];
    const dead = await runCli(
      ['whoami', '--profile', join(dir, 'zuid.json'), '--server', 'http://127.0.0.1:9'],
      (l) => out.push(l),
      (l) => err.push(l),
    );
    expect(dead).toBe(69);
    expect(err.join('\n')).toContain('De server op http://127.0.0.1:9 is niet bereikbaar');
    const remembered = await runCli(
      ['whoami', '--profile', join(dir, 'zuid.json')],
      () => undefined,
      (l) => err.push(l),
    );
    expect(remembered).toBe(69); // still the address given last
    expect((await cli('zuid.json', 'whoami')).code).toBe(0); // and a new --server is remembered
    expect(
      await runCli(
        ['whoami', '--profile', join(dir, 'zuid.json')],
        () => undefined,
        () => undefined,
      ),
    ).toBe(0);
  });
});

describe('a group member who was removed', () => {
  it('still reads the history up to the removal, and the others still see their name', async () => {
    const org = await json<{ adminInvite: { code: string } }>(
      null,
      'operator',
      'create-org',
      '--name',
      'Welzijn Oost',
      '--slug',
      'welzijn-oost-cli',
    );
    await json('oa.json', 'register', '--invite', org.adminInvite.code, '--name', 'Admin');
    const team = await json<{ id: string }>('oa.json', 'team', 'create', '--name', 'Training');
    const w = await json<{ code: string }>(
      'oa.json',
      'invite',
      'create',
      '--role',
      'worker',
      '--team',
      team.id,
    );
    await json('ow.json', 'register', '--invite', w.code, '--name', 'Sanne');
    const r = await json<{ code: string }>('ow.json', 'invite', 'create', '--role', 'resident');
    const kim = await json<{ personId: string }>('ok.json', 'register', '--invite', r.code, '--name', 'Kim');
    const group = await json<{ id: string }>(
      'ow.json',
      'group',
      'create',
      '--name',
      'Ouders',
      '--member',
      kim.personId,
    );
    await json('ow.json', 'send', '--channel', group.id, 'Welkom in de groep');
    await json('ok.json', 'send', '--channel', group.id, 'Hallo allemaal');
    expect((await cli('ok.json', 'history', '--channel', group.id)).out).toContain(
      'Sanne: Welkom in de groep',
    );

    await json('ow.json', 'group', 'remove', '--channel', group.id, '--person', kim.personId);
    await json('ow.json', 'send', '--channel', group.id, 'Na het vertrek');

    const removed = await cli('ok.json', 'history', '--channel', group.id);
    expect(removed.code).toBe(0);
    expect(removed.out).toContain('Sanne: Welkom in de groep');
    expect(removed.out).toContain('Kim: Hallo allemaal');
    expect(removed.out).not.toContain('Na het vertrek');
    const others = await cli('ow.json', 'history', '--channel', group.id);
    expect(others.out).toContain('Kim: Hallo allemaal');
  });
});
