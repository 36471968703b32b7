import { base64Url } from '../common.ts';

/** Opaque bytes with an upper bound (base64url length ≈ 4/3 of the bytes). */
export const opaqueBytes = (maxBytes: number) =>
  base64Url.min(1).max(Math.ceil((maxBytes * 4) / 3), { error: `must be at most ${maxBytes} bytes` });
