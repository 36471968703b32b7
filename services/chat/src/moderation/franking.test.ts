import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FrankingTagger, loadFrankingKey, opensCommitment } from './franking.ts';

/** The server's franking code against the crypto package's frozen vectors (SPEC §14), and its key file. */
const vectors = JSON.parse(
  await readFile(new URL('../../../../packages/crypto/test/franking-vectors.json', import.meta.url), 'utf8'),
) as {
  valid: Array<{ bindingKey: string; digest: string; commitment: string }>;
  invalid: Array<{ check: string; commitment: string; bindingKey?: string; digest?: string; note: string }>;
};
const hex = (text: string) => Buffer.from(text, 'hex');

describe('server franking', () => {
  it('opens every valid vector and refuses every invalid server opening', () => {
    for (const vector of vectors.valid)
      expect(opensCommitment(hex(vector.commitment), hex(vector.bindingKey), hex(vector.digest))).toBe(true);
    const server = vectors.invalid.filter((vector) => vector.check === 'server');
    expect(server.length).toBeGreaterThan(0);
    for (const vector of server)
      expect([
        vector.note,
        opensCommitment(hex(vector.commitment), hex(vector.bindingKey!), hex(vector.digest!)),
      ]).toEqual([vector.note, false]);
    expect(
      opensCommitment(
        hex(vectors.valid[0]!.commitment).subarray(0, 31),
        hex(vectors.valid[0]!.bindingKey),
        hex(vectors.valid[0]!.digest),
      ),
    ).toBe(false);
  });

  it('the tag binds commitment, sender, channel, seq and time: changing any one breaks it', () => {
    const tagger = new FrankingTagger(Buffer.alloc(32, 7));
    const message = {
      channelId: '0b5c1d2e-0000-4000-8000-000000000001',
      seq: 5,
      senderPersonId: '0b5c1d2e-0000-4000-8000-000000000002',
      senderDeviceId: '0b5c1d2e-0000-4000-8000-000000000003',
      createdAt: new Date('2026-12-03T10:00:00.000Z'),
      commitment: Buffer.alloc(32, 1),
    };
    const tag = tagger.tag(message);
    expect(tagger.verify(message, tag)).toBe(true);
    const changes = [
      { channelId: '0b5c1d2e-0000-4000-8000-000000000009' },
      { seq: 6 },
      { senderPersonId: message.senderDeviceId },
      { senderDeviceId: message.senderPersonId },
      { createdAt: new Date('2026-12-03T10:00:00.001Z') },
      { commitment: Buffer.alloc(32, 2) },
    ];
    for (const change of changes) expect(tagger.verify({ ...message, ...change }, tag)).toBe(false);
    expect(new FrankingTagger(Buffer.alloc(32, 8)).verify(message, tag)).toBe(false);
  });

  it('without FRANKING_SERVER_KEY the key is made once into DATA_DIR (mode 0600) and kept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'franking-'));
    try {
      const first = await loadFrankingKey({ DATA_DIR: join(dir, 'data') });
      expect(first).toHaveLength(32);
      expect((await stat(join(dir, 'data', 'franking-key'))).mode & 0o777).toBe(0o600);
      expect(Buffer.from(await loadFrankingKey({ DATA_DIR: join(dir, 'data') }))).toEqual(Buffer.from(first));
      const configured = Buffer.alloc(32, 3).toString('base64url');
      expect(Buffer.from(await loadFrankingKey({ DATA_DIR: dir, FRANKING_SERVER_KEY: configured }))).toEqual(
        Buffer.alloc(32, 3),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
