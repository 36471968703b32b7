import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { spawnSync } from 'node:child_process';
import { repositoryRoot, runCliProcess } from '@spreekuur/testing/processes';
import { runCli } from '../src/main.ts';

/**
 * Issue 18's repro: `follow` in one terminal, `send` in another, on one profile, while the
 * other side writes too. The lock sends the second process away with a clear message;
 * `follow` sends what is typed into it; nothing becomes unreadable on either side.
 */

let gateway: TestGateway;
let dir: string;
beforeAll(async () => {
  gateway = await startGateway();
  dir = await mkdtemp(join(tmpdir(), 'spreekuur-cli-procs-'));
});
afterAll(async () => {
  await gateway.close();
  await rm(dir, { recursive: true, force: true });
});

async function cli(profile: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    [...args, '--server', gateway.url, '--profile', join(dir, profile)],
    (line) => out.push(line),
    (line) => err.push(line),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const processArgs = (profile: string, ...args: string[]) => [
  ...args,
  '--server',
  gateway.url,
  '--profile',
  join(dir, profile),
];

describe('two processes on one profile', () => {
  it('refuses `send` while `follow` holds the profile, sends what is typed into follow, and loses nothing', async () => {
    const org = await seedOrganisation(gateway, 'cli-procs');
    const invite = async (role: 'worker' | 'resident') =>
      (
        await api<{ code: string }>(
          gateway,
          role === 'worker' ? org.admin : org.worker,
          'POST',
          '/v1/invites',
          {
            role,
            teamId: org.team.id,
          },
        )
      ).body.code;
    expect(
      (await cli('w.json', 'register', '--invite', await invite('worker'), '--name', 'Sanne')).code,
    ).toBe(0);
    expect((await cli('r.json', 'register', '--invite', await invite('resident'), '--name', 'Mo')).code).toBe(
      0,
    );
    const mo = JSON.parse((await cli('r.json', 'whoami', '--json')).out) as { person: { id: string } };
    const channel = (await cli('w.json', 'open', '--person', mo.person.id)).out.trim();

    const follow = runCliProcess(processArgs('w.json', 'follow', '--channel', channel));
    await follow.untilOutput('Berichten volgen');

    const second = runCliProcess(
      processArgs('w.json', 'send', '--channel', channel, 'uit een tweede venster'),
    );
    expect(await second.exited).toBe(75);
    expect(second.stderr()).toContain(`is in gebruik door \`follow\`, pid ${follow.child.pid}`);
    expect(second.stderr()).toContain('typ je bericht in dat venster');
    expect(second.stderr()).not.toMatch(/\n\s+at /);

    // Both sides write, interleaved: the resident in-process, the worker through follow's stdin.
    for (let round = 1; round <= 3; round++) {
      expect((await cli('r.json', 'send', '--channel', channel, `vraag ${round}`)).code).toBe(0);
      await follow.untilOutput(`Mo: vraag ${round}`);
      follow.child.stdin!.write(`antwoord ${round}\n`);
      await follow.untilOutput(new RegExp(`(Verstuurd \\(#\\d+\\)[\\s\\S]*){${round}}`));
    }

    follow.child.kill('SIGINT');
    expect(await follow.exited).toBe(0);
    expect(existsSync(join(dir, 'w.json.lock'))).toBe(false);

    for (const profile of ['w.json', 'r.json']) {
      const history = await cli(profile, 'history', '--channel', channel);
      expect(history.code).toBe(0);
      for (let round = 1; round <= 3; round++) {
        expect(history.out).toContain(`Mo: vraag ${round}`);
        expect(history.out).toContain(`Sanne: antwoord ${round}`);
      }
      expect(history.out).not.toContain('niet te lezen');
    }
  }, 90_000);

  it('lets two short commands on one profile take turns (the second waits) and both messages arrive readable', async () => {
    const org = await seedOrganisation(gateway, 'cli-procs-wait');
    const code = async (role: 'worker' | 'resident') =>
      (
        await api<{ code: string }>(
          gateway,
          role === 'worker' ? org.admin : org.worker,
          'POST',
          '/v1/invites',
          {
            role,
            teamId: org.team.id,
          },
        )
      ).body.code;
    await cli('w2.json', 'register', '--invite', await code('worker'), '--name', 'Sanne');
    await cli('r2.json', 'register', '--invite', await code('resident'), '--name', 'Mo');
    const mo = JSON.parse((await cli('r2.json', 'whoami', '--json')).out) as { person: { id: string } };
    const channel = (await cli('w2.json', 'open', '--person', mo.person.id)).out.trim();
    const sends = ['een', 'twee', 'drie'].map((text) =>
      runCliProcess(processArgs('w2.json', 'send', '--channel', channel, text, '--wait', '60')),
    );
    expect(await Promise.all(sends.map((s) => s.exited))).toEqual([0, 0, 0]);
    const history = (await cli('r2.json', 'history', '--channel', channel)).out;
    for (const text of ['een', 'twee', 'drie']) expect(history).toContain(`Sanne: ${text}`);
    expect(history).not.toContain('niet te lezen');
    const own = (await cli('w2.json', 'history', '--channel', channel)).out;
    for (const text of ['een', 'twee', 'drie']) expect(own).toContain(`Sanne: ${text}`);
  }, 90_000);

  it('runs from the ./spreekuur entry point without pnpm: clean exit codes, one line, no stack', () => {
    const help = spawnSync(join(repositoryRoot, 'spreekuur'), ['--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('queue take');
    const missing = spawnSync(
      join(repositoryRoot, 'spreekuur'),
      ['whoami', '--profile', join(dir, 'none.json')],
      {
        encoding: 'utf8',
        env: { ...process.env, SPREEKUUR_LANG: 'en' },
      },
    );
    expect(missing.status).toBe(66);
    expect(missing.stderr.trim().split('\n')).toEqual([
      `This device is not linked yet (${join(dir, 'none.json')}). First run: spreekuur register --invite <code> --name <name>`,
    ]);
  }, 60_000);
});
