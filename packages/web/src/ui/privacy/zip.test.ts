import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32, zip } from './zip.ts';

const hasUnzip = (() => {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('the stored zip writer', () => {
  it('computes CRC-32 as zip does (the standard check value)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it.runIf(hasUnzip)('writes an archive that Info-ZIP tests clean and extracts byte for byte', () => {
    const json = new TextEncoder().encode(JSON.stringify({ naam: 'Jan Privé', tekst: 'één € ✓' }));
    const html = new TextEncoder().encode('<!doctype html><p>Hallo</p>');
    const dir = mkdtempSync(join(tmpdir(), 'spreekuur-zip-'));
    const file = join(dir, 'out.zip');
    writeFileSync(
      file,
      zip([
        { name: 'mijn-gegevens.json', data: json },
        { name: 'mijn-gegevens.html', data: html },
      ]),
    );
    expect(execFileSync('unzip', ['-t', file]).toString()).toContain('No errors detected');
    execFileSync('unzip', ['-o', '-q', file, '-d', join(dir, 'x')]);
    expect(readFileSync(join(dir, 'x', 'mijn-gegevens.json'))).toEqual(Buffer.from(json));
    expect(readFileSync(join(dir, 'x', 'mijn-gegevens.html'))).toEqual(Buffer.from(html));
  });
});
