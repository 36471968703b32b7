import { randomBytes } from 'node:crypto';

/** A unique marker to put in message texts and file contents, and look for where it must not be. */
export function newCanary(): string {
  return `KANARIE-${randomBytes(8).toString('hex')}`;
}

/**
 * The spellings a leaked canary could take in a dump or a data file: as text, as bytea hex
 * (pg_dump writes `\x…`), and as base64 / base64url in each of the three alignments.
 */
function canaryForms(canary: string): string[] {
  const bytes = Buffer.from(canary, 'utf8');
  const forms = new Set([canary, bytes.toString('hex')]);
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    for (const encoding of ['base64', 'base64url'] as const) {
      // Drop the characters that depend on the unknown neighbours of the canary.
      const text = padded.toString(encoding).replace(/=+$/, '');
      forms.add(text.slice(shift === 0 ? 0 : shift + 1, -2));
    }
  }
  return [...forms].filter((form) => form.length >= 12);
}

/** Where in `haystack` any spelling of the canary occurs (empty: nowhere). */
export function canaryHits(haystack: string | Buffer, canary: string): string[] {
  const text = typeof haystack === 'string' ? haystack : haystack.toString('latin1');
  return canaryForms(canary).filter((form) => text.includes(form));
}
