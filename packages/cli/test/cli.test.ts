import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inspectBackup } from '@spreekuur/db';
import { register, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { runCli } from '../src/main.ts';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(() => gateway.close());

async function cli(...args: string[]) {
  const lines: string[] = [];
  const errors: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
  try {
    const code = await runCli([...args, '--server', gateway.url, '--token', gateway.operatorToken], (line) =>
      lines.push(line),
    );
    return { code, out: lines.join('\n'), err: errors.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

describe('spreekuur operator (CLI)', () => {
  it('creates an organisation and prints a working admin invite', async () => {
    const result = await cli('operator', 'create-org', '--name', 'Welzijn Noord', '--slug', 'welzijn-noord');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Organisatie aangemaakt: Welzijn Noord');
    const code = /Code: ([0-9A-Z-]{19})/.exec(result.out)?.[1];
    expect(code).toBeDefined();
    await expect(register(gateway, code!, 'Eerste beheerder')).resolves.toMatchObject({
      personId: expect.any(String) as unknown,
    });
    expect((await cli('operator', 'list-orgs')).out).toMatch(/welzijn-noord\s+Welzijn Noord/);
  });

  it('explains refusals from the server in the chosen language and exits non-zero', async () => {
    await cli('operator', 'create-org', '--name', 'Een', '--slug', 'dubbel');
    const taken = await cli('operator', 'create-org', '--name', 'Twee', '--slug', 'dubbel', '--lang', 'en');
    expect(taken.code).toBe(1);
    expect(taken.err).toContain('This organisation short name is already taken. (ERR_ORG_SLUG_TAKEN)');
    const bad = await cli('operator', 'create-org', '--name', 'X', '--slug', 'Not OK');
    expect(bad.code).toBe(64);
    expect(bad.err).toMatch(/--slug: must be 2-63 lower-case letters/);
  });

  it('says which option is missing and refuses a wrong operator token', async () => {
    const missing = await cli('operator', 'create-org', '--slug', 'zonder-naam');
    expect(missing.code).toBe(64);
    expect(missing.err).toBe('--name: ontbreekt\nHulp: spreekuur operator create-org --help');
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    try {
      const code = await runCli(
        ['operator', 'list-orgs', '--server', gateway.url, '--token', 'op_wrong'],
        () => undefined,
      );
      expect(code).toBe(1);
      expect(lines.join('\n')).toContain('ERR_OPERATOR_TOKEN_INVALID');
    } finally {
      spy.mockRestore();
    }
  });

  it('backs up the running server over the operator route: the embedded database as a file, PostgreSQL refused for pg_dump', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spreekuur-op-backup-'));
    try {
      const out = join(dir, 'backup.tar');
      const result = await cli('operator', 'backup', '--out', out);
      if (gateway.db.kind === 'postgres') {
        expect(result.code).toBe(1);
        expect(result.err).toContain('pg_dump');
        expect(result.err).toContain('ERR_CONFLICT');
      } else {
        expect(result.code, result.err).toBe(0);
        expect(await inspectBackup(out)).toMatchObject({ online: true, format: 'spreekuur-embedded-backup/2' });
      }
      const wrongToken = await runCli(
        ['operator', 'backup', '--out', join(dir, 'other.tar'), '--server', gateway.url, '--token', 'op_wrong'],
        () => undefined,
        () => undefined,
      );
      expect(wrongToken).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
