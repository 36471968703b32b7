import { describe, expect, it } from 'vitest';
import { nulCharacterIssue } from './nul-characters.ts';

describe('nulCharacterIssue', () => {
  it('finds a NUL in a string or a key at any depth, with its path', () => {
    expect(nulCharacterIssue({ name: 'Groep\u0000' }, 'body')?.path).toEqual(['body', 'name']);
    expect(nulCharacterIssue({ a: [1, { b: ['ok', '\u0000'] }] }, 'body')?.path).toEqual([
      'body',
      'a',
      1,
      'b',
      1,
    ]);
    expect(nulCharacterIssue({ 'x\u0000': 1 }, 'query')?.path).toEqual(['query']);
    expect(nulCharacterIssue('\u0000', 'params')?.path).toEqual(['params']);
    let deep: unknown = 'bodem\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(nulCharacterIssue(deep, 'body')?.path).toHaveLength(100_001);
  });

  it('passes everything else, bytes included', () => {
    expect(nulCharacterIssue({ name: 'Groep', emoji: '🙂', n: 0, none: null }, 'body')).toBeNull();
    expect(nulCharacterIssue(Buffer.from([0, 0, 0]), 'body')).toBeNull();
    expect(nulCharacterIssue(undefined, 'body')).toBeNull();
  });
});
