import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { operatorTokenFile, operatorTokenMatches, resolveOperatorToken } from './operator-token.ts';

describe('operator token', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'spreekuur-op-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('prefers OPERATOR_TOKEN', async () => {
    const configured = 'x'.repeat(40);
    expect(await resolveOperatorToken({ OPERATOR_TOKEN: configured, DATA_DIR: dataDir })).toBe(configured);
  });

  it('makes one token, readable only by its owner, and keeps it across restarts', async () => {
    const first = await resolveOperatorToken({ DATA_DIR: dataDir });
    expect(first).toMatch(/^op_[A-Za-z0-9_-]{43}$/);
    expect((await stat(operatorTokenFile(dataDir))).mode & 0o777).toBe(0o600);
    expect(await resolveOperatorToken({ DATA_DIR: dataDir })).toBe(first);
  });

  it('gives nodes starting together on one volume the same token', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 8 }, () => resolveOperatorToken({ DATA_DIR: dataDir })),
    );
    expect(new Set(tokens).size).toBe(1);
  });

  it('refuses a file that holds no token instead of guessing', async () => {
    await writeFile(operatorTokenFile(dataDir), 'short\n');
    await expect(resolveOperatorToken({ DATA_DIR: dataDir })).rejects.toThrow(
      /does not hold an operator token/,
    );
  });

  it('compares in constant time and rejects absent or wrong tokens', () => {
    expect(operatorTokenMatches('op_right', 'op_right')).toBe(true);
    expect(operatorTokenMatches('op_right', 'op_wrong')).toBe(false);
    expect(operatorTokenMatches('op_right', undefined)).toBe(false);
  });
});
