import { describe, expect, it } from 'vitest';
import { isSpreekuurError } from '../errors.ts';
import { generateRecoveryKey, normaliseSecret, openBackup, sealBackup } from './sealed-backup.ts';

/** libsodium's minimum cost, so the suite stays quick; the default is tested once below. */
const CHEAP = { opsLimit: 1, memLimitBytes: 8 * 1024 };
const person = '6f1b3c1e-8a7d-4c1e-9b61-0d7f3c2a1b00';
const plaintext = new TextEncoder().encode('{"keys":"geheim"}');

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  return isSpreekuurError(error, 'ERR_CLIENT_BACKUP_INVALID');
};

describe('sealed key backup', () => {
  it('opens with the same secret and person, and with nothing else', async () => {
    const sealed = await sealBackup(plaintext, 'RECOVERY', person, CHEAP);
    expect(await openBackup(sealed, 'RECOVERY', person)).toEqual(plaintext);
    expect(await refusal(openBackup(sealed, 'recovery', person))).toBe(true);
    expect(await refusal(openBackup(sealed, 'RECOVERY', person.replace('00', '01')))).toBe(true);
  });

  it('refuses a backup with any byte changed: version, parameters, salt, nonce, ciphertext, tag', async () => {
    const sealed = await sealBackup(plaintext, 'RECOVERY', person, CHEAP);
    for (const index of [0, 1, 3, 7, 12, 30, 55, sealed.length - 1]) {
      const tampered = sealed.slice();
      tampered[index]! ^= 0x01;
      expect(await refusal(openBackup(tampered, 'RECOVERY', person)), `byte ${index}`).toBe(true);
    }
    expect(await refusal(openBackup(sealed.subarray(0, 60), 'RECOVERY', person))).toBe(true);
  });

  it('refuses key-derivation parameters beyond its bounds before doing any work', async () => {
    const sealed = await sealBackup(plaintext, 'RECOVERY', person, CHEAP);
    const greedy = sealed.slice();
    new DataView(greedy.buffer).setUint32(6, 4 * 1024 * 1024); // 4 GiB
    const started = Date.now();
    expect(await refusal(openBackup(greedy, 'RECOVERY', person))).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('never holds the plaintext or the secret in the sealed bytes, and differs every time', async () => {
    const first = await sealBackup(plaintext, 'RECOVERY', person, CHEAP);
    const second = await sealBackup(plaintext, 'RECOVERY', person, CHEAP);
    const text = Buffer.from(first).toString('latin1');
    expect(text).not.toContain('geheim');
    expect(text).not.toContain('RECOVERY');
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(false);
  });

  it('works with the default cost (Argon2id, 64 MiB)', async () => {
    const sealed = await sealBackup(plaintext, 'RECOVERY', person);
    expect(await openBackup(sealed, 'RECOVERY', person)).toEqual(plaintext);
  });
});

describe('recovery keys', () => {
  it('are 160 random bits in 8 groups of 4 unambiguous characters', async () => {
    const key = await generateRecoveryKey();
    expect(key).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(await generateRecoveryKey()).not.toBe(key);
  });

  it('are read back however they are typed', async () => {
    const key = await generateRecoveryKey();
    const typed = key.toLowerCase().replaceAll('-', ' ').replaceAll('0', 'o').replaceAll('1', 'l');
    expect(normaliseSecret(typed)).toBe(key.replaceAll('-', ''));
    expect(normaliseSecret('mijn wachtzin')).toBe('mijn wachtzin');
  });
});
