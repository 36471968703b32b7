import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EncryptedStore } from '@spreekuur/client';
import { JsonFileStore } from '@spreekuur/client/json-file-store';
import { api, seedOrganisation } from '@spreekuur/gateway/testing';
import { runCliProcess } from '@spreekuur/testing/processes';
import { startCliSuite, type CliSuite } from './cli-harness.ts';

/**
 * A CLI profile protected with a PIN (EncryptedStore: Argon2id + XChaCha20-Poly1305): every
 * command asks for it, a wrong or missing one reads and changes nothing, the file holds no key
 * in the clear, a plain profile can be encrypted in place, and the one-writer lock still holds.
 */

let suite: CliSuite;
beforeAll(async () => {
  suite = await startCliSuite();
}, 90_000);
afterAll(() => suite.close());
afterEach(() => {
  delete process.env.SPREEKUUR_PIN;
});

const PIN = '482915';

async function codeFor(slug: string) {
  const org = await seedOrganisation(suite.gateway, slug);
  const invite = async (role: 'worker' | 'resident') =>
    (
      await api<{ code: string }>(
        suite.gateway,
        role === 'worker' ? org.admin : org.worker,
        'POST',
        '/v1/invites',
        { role, teamId: org.team.id },
      )
    ).body.code;
  return { org, invite };
}

/** Every long string of the device's identity (its keys, base64url), read with the right PIN. */
async function identityStrings(profile: string, pin: string): Promise<string[]> {
  const file = new JsonFileStore(join(suite.dir, profile));
  const store = (await EncryptedStore.isEncrypted(file))
    ? await EncryptedStore.withPassphrase(file, pin)
    : file;
  const account = await store.get<{ identity: unknown }>('account');
  const strings = JSON.stringify(account!.identity).match(/[A-Za-z0-9_-]{40,}/g) ?? [];
  expect(strings.length).toBeGreaterThan(0);
  return strings;
}

describe('a CLI profile with a PIN', () => {
  it('register --pin encrypts the profile; a wrong or missing PIN is refused with nothing changed', async () => {
    const { invite } = await codeFor('cli-pin');
    process.env.SPREEKUUR_PIN = PIN;
    const registered = await suite.run(
      'sanne.json',
      'register',
      '--pin',
      '--invite',
      await invite('worker'),
      '--name',
      'Sanne',
    );
    expect(registered.code).toBe(0);
    expect(registered.out).toContain('versleuteld met uw pincode');
    expect((await suite.run('sanne.json', 'whoami')).out).toContain('Sanne (worker)');

    const path = join(suite.dir, 'sanne.json');
    const text = await readFile(path, 'utf8');
    for (const secret of await identityStrings('sanne.json', PIN)) expect(text).not.toContain(secret);
    expect(text).not.toContain('Sanne');

    process.env.SPREEKUUR_PIN = '000000';
    const wrong = await suite.run('sanne.json', 'whoami');
    expect(wrong.code).toBe(77);
    expect(wrong.err).toBe(`Verkeerde pincode voor ${path}; er is niets gelezen of veranderd.`);
    delete process.env.SPREEKUUR_PIN;
    const missing = await suite.run('sanne.json', 'whoami', '--lang', 'en');
    expect(missing.code).toBe(77);
    expect(missing.err).toContain('is protected with a PIN. Set SPREEKUUR_PIN');
    expect(await readFile(path, 'utf8')).toBe(text);

    process.env.SPREEKUUR_PIN = PIN;
    expect((await suite.run('sanne.json', 'whoami')).code).toBe(0);
  }, 90_000);

  it('profile encrypt converts a plain profile in place; the keys are no longer in the file', async () => {
    const { invite } = await codeFor('cli-pin-convert');
    expect(
      (await suite.run('mo.json', 'register', '--invite', await invite('resident'), '--name', 'Mo')).code,
    ).toBe(0);
    const path = join(suite.dir, 'mo.json');
    const secrets = await identityStrings('mo.json', PIN);
    // Plain: the keys are in the file (what the conversion must change).
    const plain = await readFile(path, 'utf8');
    expect(secrets.every((secret) => plain.includes(secret))).toBe(true);

    process.env.SPREEKUUR_PIN = '12';
    const short = await suite.run('mo.json', 'profile', 'encrypt');
    expect(short.code).toBe(64);
    expect(await readFile(path, 'utf8')).toBe(plain);

    process.env.SPREEKUUR_PIN = PIN;
    const converted = await suite.run('mo.json', 'profile', 'encrypt');
    expect(converted.code).toBe(0);
    const sealed = await readFile(path, 'utf8');
    for (const secret of secrets) expect(sealed).not.toContain(secret);
    expect((await suite.run('mo.json', 'whoami')).out).toContain('Mo (resident)');
    expect((await suite.run('mo.json', 'profile', 'encrypt')).code).toBe(64);

    delete process.env.SPREEKUUR_PIN;
    expect((await suite.run('mo.json', 'whoami')).code).toBe(77);
  }, 90_000);

  it('two processes still cannot both write a PIN profile', async () => {
    const { invite } = await codeFor('cli-pin-procs');
    process.env.SPREEKUUR_PIN = PIN;
    await suite.run('w.json', 'register', '--pin', '--invite', await invite('worker'), '--name', 'Sanne');
    await suite.run('r.json', 'register', '--pin', '--invite', await invite('resident'), '--name', 'Mo');
    const mo = await suite.json<{ person: { id: string } }>('r.json', 'whoami');
    const channel = (await suite.run('w.json', 'open', '--person', mo.person.id)).out.trim();
    const args = (...rest: string[]) => [
      ...rest,
      '--server',
      suite.gateway.url,
      '--profile',
      join(suite.dir, 'w.json'),
    ];

    const follow = runCliProcess(args('follow', '--channel', channel), { SPREEKUUR_PIN: PIN });
    await follow.untilOutput('Berichten volgen');
    const second = runCliProcess(args('send', '--channel', channel, 'tweede venster'), {
      SPREEKUUR_PIN: PIN,
    });
    expect(await second.exited).toBe(75);
    expect(second.stderr()).toContain(`is in gebruik door \`follow\`, pid ${follow.child.pid}`);
    follow.child.kill('SIGINT');
    expect(await follow.exited).toBe(0);
    expect((await suite.run('w.json', 'send', '--channel', channel, 'nu wel')).code).toBe(0);
    expect((await suite.run('r.json', 'history', '--channel', channel)).out).toContain('Sanne: nu wel');
  }, 120_000);
});
