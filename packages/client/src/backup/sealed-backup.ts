import sodium from 'libsodium-wrappers-sumo';
import { SpreekuurError } from '../errors.ts';

/**
 * The sealed key backup (docs/privacy.md, "Key backup"): what the device uploads and the server
 * stores without being able to read it.
 *
 *   header = version (1 byte, 0x01) ‖ kdf (1 byte, 0x02 = Argon2id v1.3)
 *          ‖ opslimit (u32 BE) ‖ memlimit in KiB (u32 BE) ‖ salt (16) ‖ nonce (24)
 *   key    = Argon2id(normalised recovery key, salt, opslimit, memlimit) → 32 bytes
 *   sealed = header ‖ XChaCha20-Poly1305(key, nonce, plaintext, aad = header ‖ "spreekuur-key-backup-v1:" ‖ personId)
 *
 * The header is authenticated (a changed parameter fails like a changed byte), and the person
 * id is bound in, so a backup cannot be passed off as another person's. Bounds on the KDF
 * parameters are checked before any work, so a tampered header cannot make a phone spend a
 * gigabyte of memory.
 */
const VERSION = 0x01;
const KDF_ARGON2ID = 0x02;
const HEADER_BYTES = 1 + 1 + 4 + 4 + 16 + 24;
const KEY_BYTES = 32;
const AAD_LABEL = 'spreekuur-key-backup-v1:';

export interface KdfParams {
  opsLimit: number;
  memLimitBytes: number;
}

/** 3 passes over 64 MiB: about a second on a cheap phone, expensive to guess at scale. */
export const DEFAULT_KDF: KdfParams = { opsLimit: 3, memLimitBytes: 64 * 1024 * 1024 };
/** What an opened backup may ask for: from libsodium's minimum (tests) to 1 GiB. */
const KDF_BOUNDS = { ops: [1, 10], memKiB: [8, 1024 * 1024] } as const;

let initialised: Promise<void> | undefined;
function sodiumReady(): Promise<void> {
  initialised ??= sodium.ready;
  return initialised;
}

const refuse = (message: string) => new SpreekuurError('ERR_CLIENT_BACKUP_INVALID', message);

function aad(header: Uint8Array, personId: string): Uint8Array {
  const label = sodium.from_string(`${AAD_LABEL}${personId}`);
  const out = new Uint8Array(header.length + label.length);
  out.set(header);
  out.set(label, header.length);
  return out;
}

function deriveKey(secret: string, salt: Uint8Array, params: KdfParams): Uint8Array {
  return sodium.crypto_pwhash(
    KEY_BYTES,
    secret,
    salt,
    params.opsLimit,
    params.memLimitBytes,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
}

/** Seals `plaintext` for `personId` under `secret` (a normalised recovery key or passphrase). */
export async function sealBackup(
  plaintext: Uint8Array,
  secret: string,
  personId: string,
  params: KdfParams = DEFAULT_KDF,
): Promise<Uint8Array> {
  await sodiumReady();
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  header[0] = VERSION;
  header[1] = KDF_ARGON2ID;
  view.setUint32(2, params.opsLimit);
  view.setUint32(6, Math.floor(params.memLimitBytes / 1024));
  header.set(sodium.randombytes_buf(16), 10);
  header.set(sodium.randombytes_buf(24), 26);
  const key = deriveKey(secret, header.subarray(10, 26), params);
  try {
    const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      plaintext,
      aad(header, personId),
      null,
      header.subarray(26, 50),
      key,
    );
    const sealed = new Uint8Array(HEADER_BYTES + ciphertext.length);
    sealed.set(header);
    sealed.set(ciphertext, HEADER_BYTES);
    return sealed;
  } finally {
    sodium.memzero(key);
  }
}

/** Opens a sealed backup; a wrong secret, another person's backup or any changed byte is refused alike. */
export async function openBackup(sealed: Uint8Array, secret: string, personId: string): Promise<Uint8Array> {
  await sodiumReady();
  if (sealed.length < HEADER_BYTES + sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES)
    throw refuse('the backup is too short');
  if (sealed[0] !== VERSION || sealed[1] !== KDF_ARGON2ID) throw refuse('unknown backup version');
  const view = new DataView(sealed.buffer, sealed.byteOffset, HEADER_BYTES);
  const opsLimit = view.getUint32(2);
  const memKiB = view.getUint32(6);
  if (
    opsLimit < KDF_BOUNDS.ops[0] ||
    opsLimit > KDF_BOUNDS.ops[1] ||
    memKiB < KDF_BOUNDS.memKiB[0] ||
    memKiB > KDF_BOUNDS.memKiB[1]
  )
    throw refuse('backup key-derivation parameters out of bounds');
  const header = sealed.slice(0, HEADER_BYTES);
  const key = deriveKey(secret, header.subarray(10, 26), { opsLimit, memLimitBytes: memKiB * 1024 });
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed.subarray(HEADER_BYTES),
      aad(header, personId),
      header.subarray(26, 50),
      key,
    );
  } catch {
    throw refuse('wrong recovery key, or the backup was changed');
  } finally {
    sodium.memzero(key);
  }
}

// ---- Recovery keys ---------------------------------------------------------------------

/** Crockford base32 without I, L, O, U: nothing to confuse when read aloud or typed. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RECOVERY_KEY_BYTES = 20;

/**
 * A fresh recovery key: 160 random bits as 32 characters in 8 groups of four
 * (`7K3Q-…`), shown to the person once, to write down or keep as a QR code.
 */
export async function generateRecoveryKey(): Promise<string> {
  await sodiumReady();
  const bytes = sodium.randombytes_buf(RECOVERY_KEY_BYTES);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join('-');
}

/**
 * The recovery key as typed: case, spaces and dashes do not matter, and the letters people
 * mistake for digits (O, I, L) count as those digits. Anything else is kept as a passphrase.
 */
export function normaliseSecret(input: string): string {
  const compact = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (compact.length === 32 && [...compact].every((char) => ALPHABET.includes(char))) return compact;
  return input.normalize('NFKC');
}
