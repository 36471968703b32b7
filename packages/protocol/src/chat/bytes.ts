import { base64UrlBytes } from '../common.ts';

/** Opaque bytes: at least one, at most `maxBytes`, and always decodable (see base64Url). */
export const opaqueBytes = (maxBytes: number) => base64UrlBytes({ min: 1, max: maxBytes });
