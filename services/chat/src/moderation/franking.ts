import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fromBase64Url } from '@spreekuur/protocol/common';

/**
 * The server's side of message franking (packages/crypto/SPEC.md §14): the tag that binds a
 * commitment to sender, channel, seq and time, and the check of a reporter's opening. The
 * server never sees the plaintext; it checks what the reporter knows against the commitment.
 */

const LABEL_PREFIX = 'Spreekuur-v1/';
const KEY_BYTES = 32;

/** Context(label, p1..pn) of SPEC §2.1: every part length-prefixed. */
function context(label: string, parts: readonly Uint8Array[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of [Buffer.from(LABEL_PREFIX + label, 'utf8'), ...parts]) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(part.length);
    chunks.push(length, Buffer.from(part));
  }
  return Buffer.concat(chunks);
}

/** MAC of SPEC §14.1: HMAC-SHA-512 truncated to 32 bytes (what libsodium's crypto_auth computes). */
function mac(key: Uint8Array, label: string, parts: readonly Uint8Array[]): Buffer {
  return createHmac('sha512', key).update(context(label, parts)).digest().subarray(0, 32);
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && timingSafeEqual(a, b);

/** Does the reporter's opening (binding key, keyed digest) open the stored commitment (SPEC §14.3)? */
export function opensCommitment(commitment: Uint8Array, bindingKey: Uint8Array, digest: Uint8Array): boolean {
  if (commitment.length !== 32 || bindingKey.length !== 32 || digest.length !== 32) return false;
  return equal(mac(bindingKey, 'franking/commitment', [digest]), commitment);
}

/** What the server tag binds a commitment to. */
export interface TaggedMessage {
  channelId: string;
  seq: number;
  senderPersonId: string;
  senderDeviceId: string;
  createdAt: Date;
  commitment: Uint8Array;
}

export class FrankingTagger {
  constructor(private readonly serverKey: Uint8Array) {
    if (serverKey.length !== KEY_BYTES) throw new Error('the franking server key must be 32 bytes');
  }

  tag(message: TaggedMessage): Buffer {
    const utf8 = (text: string) => Buffer.from(text, 'utf8');
    return createHmac('sha256', this.serverKey)
      .update(
        context('franking/server-tag', [
          utf8(message.channelId),
          utf8(String(message.seq)),
          utf8(message.senderPersonId),
          utf8(message.senderDeviceId),
          utf8(message.createdAt.toISOString()),
          message.commitment,
        ]),
      )
      .digest();
  }

  verify(message: TaggedMessage, tag: Uint8Array): boolean {
    return equal(this.tag(message), tag);
  }
}

/**
 * The server key: FRANKING_SERVER_KEY when set (the same on every node), otherwise made once
 * into DATA_DIR/franking-key (mode 0600). Several nodes must share it: set the variable.
 */
export async function loadFrankingKey(config: {
  FRANKING_SERVER_KEY?: string | undefined;
  DATA_DIR: string;
}): Promise<Uint8Array> {
  if (config.FRANKING_SERVER_KEY) return fromBase64Url(config.FRANKING_SERVER_KEY);
  const file = join(config.DATA_DIR, 'franking-key');
  try {
    return fromBase64Url((await readFile(file, 'utf8')).trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(config.DATA_DIR, { recursive: true, mode: 0o700 });
  try {
    // 'wx': two processes starting together do not overwrite each other's key.
    await writeFile(file, `${randomBytes(KEY_BYTES).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return fromBase64Url((await readFile(file, 'utf8')).trim());
}
