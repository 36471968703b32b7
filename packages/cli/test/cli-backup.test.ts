import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_OPEN } from '@spreekuur/testing/scheduling';
import {
  freePort,
  runGatewayProcess,
  stop,
  untilHealthy,
  type RunningProcess,
} from '@spreekuur/testing/processes';
import { runCli } from '../src/main.ts';

/**
 * Backup and restore of the embedded default: data made through the CLI on a real server
 * process, a backup (refused while the server runs), a restore into a fresh DATA_DIR, and a
 * server on the copy that still has every message, file and appointment.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spreekuur-backup-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function server(dataDir: string): Promise<{ url: string; running: RunningProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const running = runGatewayProcess({
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });
  await untilHealthy(url, running);
  return { url, running };
}

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    args,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const profile = (name: string) => ['--profile', join(dir, name)];
const amsterdamDate = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 86_400_000).toLocaleDateString('sv-SE', {
    timeZone: 'Europe/Amsterdam',
  });

describe('operator backup and restore (embedded)', () => {
  it('backs up a running server while writes go on (and a stopped one), restores into a fresh DATA_DIR, and the copy serves every message, file and appointment', async () => {
    const dataDir = join(dir, 'data');
    const first = await server(dataDir);
    const on = ['--server', first.url];
    const json = async <T>(args: string[]): Promise<T> => {
      const result = await cli([...args, ...on, '--json']);
      if (result.code !== 0) throw new Error(`${args.join(' ')}: ${result.err}`);
      return JSON.parse(result.out) as T;
    };
    let restored: { url: string; running: RunningProcess } | undefined;
    try {
      const org = await json<{ adminInvite: { code: string } }>([
        'operator',
        'create-org',
        '--name',
        'Welzijn West',
        '--slug',
        'welzijn-west',
        '--data-dir',
        dataDir,
      ]);
      await json(['register', '--invite', org.adminInvite.code, '--name', 'Anouk', ...profile('a.json')]);
      const team = await json<{ id: string }>([
        'team',
        'create',
        '--name',
        'Team West',
        ...profile('a.json'),
      ]);
      const w = await json<{ code: string }>([
        'invite',
        'create',
        '--role',
        'worker',
        '--team',
        team.id,
        ...profile('a.json'),
      ]);
      await json(['register', '--invite', w.code, '--name', 'Sanne', ...profile('w.json')]);
      const r = await json<{ code: string }>([
        'invite',
        'create',
        '--role',
        'resident',
        ...profile('w.json'),
      ]);
      const mo = await json<{ personId: string }>([
        'register',
        '--invite',
        r.code,
        '--name',
        'Mo',
        ...profile('r.json'),
      ]);
      const channel = await json<{ id: string }>(['open', '--person', mo.personId, ...profile('w.json')]);
      await json(['send', '--channel', channel.id, 'Welkom bij Team West', ...profile('w.json')]);
      await json(['send', '--channel', channel.id, 'Dank je!', ...profile('r.json')]);
      const letter = join(dir, 'brief.pdf');
      await writeFile(letter, Buffer.alloc(120_000, 0x42));
      await json(['send-file', '--channel', channel.id, letter, ...profile('r.json')]);

      const hours = join(dir, 'hours.json');
      await writeFile(hours, JSON.stringify(ALWAYS_OPEN));
      await json(['availability', 'set', '--file', hours, ...profile('w.json')]);
      const type = await json<{ id: string }>([
        'appointment',
        'type-create',
        '--name',
        'Bellen',
        '--kind',
        'phone',
        '--minutes',
        '30',
        ...profile('w.json'),
      ]);
      const sanne = await json<{ person: { id: string } }>(['whoami', ...profile('w.json')]);
      const slots = await json<{ slots: Array<{ start: string }> }>([
        'appointment',
        'slots',
        '--type',
        type.id,
        '--worker',
        sanne.person.id,
        '--from',
        amsterdamDate(2),
        '--to',
        amsterdamDate(3),
        ...profile('r.json'),
      ]);
      const booked = await json<{ id: string }>([
        'appointment',
        'book',
        '--type',
        type.id,
        '--worker',
        sanne.person.id,
        '--start',
        slots.slots[0]!.start,
        ...profile('r.json'),
      ]);

      // While the server runs, the server itself makes the backup, and writes go on meanwhile.
      let writing = true;
      const during: string[] = [];
      const writer = (async () => {
        for (let i = 1; writing; i++) {
          await json(['send', '--channel', channel.id, `Tijdens de back-up ${i}`, ...profile('w.json')]);
          during.push(`Tijdens de back-up ${i}`);
        }
      })();
      const backupFile = join(dir, 'spreekuur.tar');
      const made = await cli(['operator', 'backup', '--data-dir', dataDir, '--out', backupFile, ...on]);
      writing = false;
      await writer;
      expect(made.code, made.err).toBe(0);
      expect(made.out).toContain('terwijl de server draait');
      expect(made.out).toContain('operator-token');
      expect(during.length).toBeGreaterThan(0);
      // The file is complete or absent: no temporary file is left beside it.
      expect((await readdir(dir)).filter((name) => name.includes('.partial'))).toEqual([]);
      const twice = await cli(['operator', 'backup', '--out', backupFile, ...on]);
      expect(twice.code).toBe(1);
      expect(twice.err).toContain('bestaat al');

      // A server that runs but is not reachable at the address given: the lock names it.
      const wrongAddress = ['--server', `http://127.0.0.1:${await freePort()}`];
      const locked = await cli(['operator', 'backup', '--data-dir', dataDir, '--out', join(dir, 'x.tar'), ...wrongAddress]);
      expect(locked.code).toBe(75);
      expect(locked.err).toContain('--server');

      // With the server stopped, the same command backs up the DATA_DIR itself.
      expect(await stop(first.running)).toBe(0);
      const offlineFile = join(dir, 'offline.tar');
      const offline = await cli(['operator', 'backup', '--data-dir', dataDir, '--out', offlineFile, ...on]);
      expect(offline.code, offline.err).toBe(0);
      expect(offline.out).toContain('server gestopt');
      const offlineRestored = join(dir, 'restored-offline');
      expect((await cli(['operator', 'restore', '--from', offlineFile, '--data-dir', offlineRestored])).code).toBe(0);

      const freshDir = join(dir, 'restored');
      const back = await cli(['operator', 'restore', '--from', backupFile, '--data-dir', freshDir]);
      expect(back.code, back.err).toBe(0);
      for (const secret of ['operator-token', 'franking-key'])
        expect(await readFile(join(freshDir, secret), 'utf8')).toBe(await readFile(join(dataDir, secret), 'utf8'));
      const again = await cli(['operator', 'restore', '--from', backupFile, '--data-dir', freshDir]);
      expect(again.code).toBe(1);
      expect(again.err).toContain('already holds a database');
      const notABackup = join(dir, 'brief.pdf');
      const wrong = await cli(['operator', 'restore', '--from', notABackup, '--data-dir', join(dir, 'nope')]);
      expect(wrong.code).toBe(1);
      expect(wrong.err).toContain('not a Spreekuur backup');

      restored = await server(freshDir);
      const at = ['--server', restored.url];
      const history = await cli(['history', '--channel', channel.id, ...profile('w.json'), ...at]);
      expect(history.code).toBe(0);
      expect(history.out).toContain('Sanne: Welkom bij Team West');
      expect(history.out).toContain('Mo: Dank je!');
      // Every message acknowledged before the backup began is there; what came during it is
      // there or not, but never half: every message the copy has is readable.
      expect(history.out).not.toContain('niet te lezen');
      // Those sent during the backup that the copy has are the first ones, in order: a cut in time.
      const kept = [...history.out.matchAll(/Tijdens de back-up (\d+)$/gm)].map((m) => Number(m[1]));
      expect(kept).toEqual(kept.map((_, i) => i + 1));
      expect(kept.length).toBeLessThanOrEqual(during.length);
      const moHistory = await cli([
        'history',
        '--channel',
        channel.id,
        ...profile('r.json'),
        ...at,
        '--json',
      ]);
      const file = (JSON.parse(moHistory.out) as Array<{ seq: number; content: { name?: string } }>).find(
        (m) => m.content.name === 'brief.pdf',
      )!;
      const saved = join(dir, 'terug.pdf');
      expect(
        (
          await cli([
            'download',
            '--channel',
            channel.id,
            '--seq',
            String(file.seq),
            '--out',
            saved,
            ...profile('w.json'),
            ...at,
          ])
        ).code,
      ).toBe(0);
      expect((await readFile(saved)).equals(Buffer.alloc(120_000, 0x42))).toBe(true);
      expect((await cli(['appointment', 'list', ...profile('r.json'), ...at])).out).toContain(booked.id);
      expect((await cli(['operator', 'list-orgs', ...at, '--data-dir', freshDir])).out).toContain(
        'welzijn-west',
      );
    } finally {
      await stop(first.running);
      if (restored) await stop(restored.running);
    }
  }, 180_000);
});
