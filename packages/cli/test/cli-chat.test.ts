import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { runCli } from '../src/main.ts';

let gateway: TestGateway;
let dir: string;
beforeAll(async () => {
  gateway = await startGateway();
  dir = await mkdtemp(join(tmpdir(), 'spreekuur-cli-'));
});
afterAll(async () => {
  await gateway.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI like a person at a terminal would, capturing what it prints. */
function cli(profile: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
  const done = runCli([...args, '--server', gateway.url, '--profile', join(dir, profile)], (line) =>
    out.push(line),
  ).finally(() => spy.mockRestore());
  return { done, out, err };
}

const until = async (check: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('spreekuur chat (CLI)', () => {
  it('registers two people, sends a message and a file, and follows them live', async () => {
    const org = await seedOrganisation(gateway, 'cli-chat');
    const workerCode = (
      await api<{ code: string }>(gateway, org.admin, 'POST', '/v1/invites', {
        role: 'worker',
        teamId: org.team.id,
      })
    ).body.code;
    const residentCode = (
      await api<{ code: string }>(gateway, org.worker, 'POST', '/v1/invites', {
        role: 'resident',
        teamId: org.team.id,
      })
    ).body.code;

    const registered = cli(
      'sanne.json',
      'register',
      '--invite',
      workerCode,
      '--name',
      'Sanne',
      '--device',
      'Laptop',
    );
    expect(await registered.done).toBe(0);
    expect(registered.out.join('\n')).toContain('Welkom, Sanne (worker)');
    expect((await stat(join(dir, 'sanne.json'))).mode & 0o777).toBe(0o600);
    expect(
      await cli('mo.json', 'register', '--invite', residentCode.toLowerCase(), '--name', 'Mo').done,
    ).toBe(0);

    const whoami = cli('mo.json', 'whoami');
    await whoami.done;
    const moId = /person ([0-9a-f-]{36})/.exec(whoami.out.join('\n'))![1]!;
    const people = cli('mo.json', 'people');
    await people.done;
    const sanneId = people.out.find((row) => row.endsWith('Sanne'))!.split(' ')[0]!;

    const follow = cli('sanne.json', 'follow', '--count', '2');
    await until(() => follow.out.some((row) => row.startsWith('Berichten volgen')));
    const sent = cli('mo.json', 'send', '--person', sanneId, 'Hoi Sanne, ik heb een vraag over de brief.');
    expect(await sent.done).toBe(0);
    expect(sent.out.join('\n')).toMatch(/Verstuurd \(#\d+\)/);

    const document = join(dir, 'brief.pdf');
    await writeFile(document, Buffer.alloc(600_000, 0x25));
    const upload = cli('mo.json', 'send-file', '--person', sanneId, document);
    expect(await upload.done).toBe(0);
    expect(upload.out.some((row) => row.includes('100%'))).toBe(true);

    expect(await follow.done).toBe(0);
    expect(follow.out.join('\n')).toMatch(/Mo: Hoi Sanne, ik heb een vraag over de brief\./);
    expect(follow.out.join('\n')).toMatch(/Mo: 📎 brief\.pdf \(600000 bytes\)/);

    const channels = cli('sanne.json', 'channels');
    await channels.done;
    const channelId = channels.out[0]!.split(' ')[0]!;
    const history = cli('sanne.json', 'history', '--channel', channelId);
    await history.done;
    const fileSeq = /#(\d+) .*brief\.pdf/.exec(history.out.join('\n'))![1]!;
    const saved = join(dir, 'ontvangen.pdf');
    expect(
      await cli('sanne.json', 'download', '--channel', channelId, '--seq', fileSeq, '--out', saved).done,
    ).toBe(0);
    expect((await readFile(saved)).equals(Buffer.alloc(600_000, 0x25))).toBe(true);

    const safety = cli('mo.json', 'safety-number', '--channel', channelId, '--person', sanneId);
    await safety.done;
    const theirs = cli('sanne.json', 'safety-number', '--channel', channelId, '--person', moId);
    await theirs.done;
    const digits = (lines: string[]) =>
      lines
        .join(' ')
        .replace(/[0-9a-f-]{36}:/g, '')
        .replace(/\s/g, '');
    expect(digits(safety.out)).toMatch(/^\d{60}$/);
    expect(digits(safety.out)).toBe(digits(theirs.out));
  });

  it('explains what to do when the device is not registered or the invite is wrong', async () => {
    const missing = cli('nobody.json', 'channels');
    expect(await missing.done).toBe(66);
    expect(missing.err.join('\n')).toContain('Dit apparaat is nog niet gekoppeld');
    const wrong = cli(
      'wrong.json',
      'register',
      '--invite',
      'AAAA-BBBB-CCCC-DDDD',
      '--name',
      'X',
      '--lang',
      'en',
    );
    expect(await wrong.done).toBe(1);
    expect(wrong.err.join('\n')).toContain('ERR_INVITE_NOT_FOUND');
  });
});
