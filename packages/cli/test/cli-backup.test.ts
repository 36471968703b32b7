import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
  it('backs up a stopped server, restores into a fresh DATA_DIR, and the copy serves every message, file and appointment', async () => {
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

      // While the server runs, the embedded database is locked: the backup says to stop it.
      const backupDir = join(dir, 'backup');
      const refused = await cli(['operator', 'backup', '--data-dir', dataDir, '--out', backupDir]);
      expect(refused.code).toBe(75);
      expect(refused.err).toContain('stop de server eerst');

      expect(await stop(first.running)).toBe(0);
      const made = await cli(['operator', 'backup', '--data-dir', dataDir, '--out', backupDir]);
      expect(made.code).toBe(0);
      expect(made.out).toContain('operator-token');

      const freshDir = join(dir, 'restored');
      const back = await cli(['operator', 'restore', '--from', backupDir, '--data-dir', freshDir]);
      expect(back.code).toBe(0);
      expect(await readFile(join(freshDir, 'operator-token'), 'utf8')).toBe(
        await readFile(join(dataDir, 'operator-token'), 'utf8'),
      );
      const again = await cli(['operator', 'restore', '--from', backupDir, '--data-dir', freshDir]);
      expect(again.code).toBe(1);
      expect(again.err).toContain('already holds a database');

      restored = await server(freshDir);
      const at = ['--server', restored.url];
      const history = await cli(['history', '--channel', channel.id, ...profile('w.json'), ...at]);
      expect(history.code).toBe(0);
      expect(history.out).toContain('Sanne: Welkom bij Team West');
      expect(history.out).toContain('Mo: Dank je!');
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
