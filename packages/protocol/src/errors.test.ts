import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderErrorDocs } from './errors-doc.ts';
import { AppError, errorBodySchema, errorCatalog, errorCodes } from './errors.ts';

describe('error catalogue', () => {
  it('is documented: docs/errors.md equals what the catalogue renders (run `pnpm docs:generate`)', async () => {
    const documented = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    expect(documented).toBe(renderErrorDocs());
  });

  it('uses stable, well-formed codes with texts in both languages', () => {
    for (const code of errorCodes) {
      expect(code).toMatch(/^ERR_[A-Z_]+$/);
      expect(errorCatalog[code].nl.length).toBeGreaterThan(3);
      expect(errorCatalog[code].en.length).toBeGreaterThan(3);
    }
  });

  it('maps every code to its HTTP status and an error body the schema accepts', () => {
    for (const code of errorCodes) {
      const error = new AppError(code);
      expect(error.status).toBe(errorCatalog[code].status);
      expect(errorBodySchema.safeParse({ error: { code, message: error.message } }).success).toBe(true);
    }
    expect(errorBodySchema.safeParse({ error: { code: 'ERR_MADE_UP', message: 'x' } }).success).toBe(false);
  });
});
