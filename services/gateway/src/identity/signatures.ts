import { createPublicKey, verify } from 'node:crypto';
import { toBase64Url } from '@spreekuur/protocol/common';

/** Ed25519 verification with Node's own crypto (no WebAssembly start-up on the server). */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(publicKey) },
      format: 'jwk',
    });
    return verify(null, message, key, signature);
  } catch {
    // A malformed point is simply not a valid signature.
    return false;
  }
}
