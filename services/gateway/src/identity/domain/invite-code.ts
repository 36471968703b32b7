import { createHash } from 'node:crypto';

/** Crockford base32: no I, L, O or U, so codes survive being read aloud or retyped. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const INVITE_CODE_BYTES = 10; // 80 bits → 16 characters

/** 16 characters from 10 random bytes, shown as XXXX-XXXX-XXXX-XXXX. */
export function formatInviteCode(random: Uint8Array): string {
  if (random.length !== INVITE_CODE_BYTES)
    throw new RangeError(`invite code needs ${INVITE_CODE_BYTES} random bytes`);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of random) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join('-');
}

/** The canonical form that is hashed and looked up (what `inviteCode` in the protocol yields). */
export function normaliseInviteCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/** What is stored of a code: a hash of its canonical form, under a label of its own. */
export function hashInviteCode(code: string): Uint8Array {
  return createHash('sha256')
    .update(`spreekuur/invite/v1:${normaliseInviteCode(code)}`)
    .digest();
}
