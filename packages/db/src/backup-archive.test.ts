import { describe, expect, it } from 'vitest';
import { readTar, tarChunks } from './backup-archive.ts';

const join = (chunks: Iterable<Uint8Array>) => {
  const parts = [...chunks];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};
const bytes = (text: string) => new TextEncoder().encode(text);

describe('the backup archive (tar)', () => {
  const files = [
    { name: 'manifest.json', data: bytes('{"format":"x"}') },
    { name: 'postgres.tar.gz', data: new Uint8Array(1500).fill(7) },
    { name: 'operator-token', data: new Uint8Array(0) },
  ];
  const allowed = new Set(files.map((f) => f.name));

  it('reads back what it wrote, in 512-byte blocks', () => {
    const archive = join(tarChunks(files));
    expect(archive.length % 512).toBe(0);
    const read = readTar(archive, allowed);
    for (const file of files) expect(read.get(file.name)).toEqual(file.data);
  });

  it('refuses an entry it does not expect (a crafted path), a damaged header and a cut-short file', () => {
    const crafted = join(tarChunks([{ name: '../../etc/passwd', data: bytes('x') }]));
    expect(() => readTar(crafted, allowed)).toThrow(/unexpected entry/);
    const damaged = join(tarChunks(files));
    damaged[10] = 0x41;
    expect(() => readTar(damaged, allowed)).toThrow(/damaged/);
    const short = join(tarChunks(files)).subarray(0, 1024);
    expect(() => readTar(short, allowed)).toThrow(/cut short/);
    expect(() => readTar(bytes('not a tar at all'), allowed)).toThrow(/cut short/);
  });
});
