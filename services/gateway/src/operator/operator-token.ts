import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The operator token guards deployment-wide actions (creating organisations). Configured
 * with OPERATOR_TOKEN, or made once and kept in DATA_DIR/operator-token (mode 0600), where
 * the admin CLI on the same machine finds it.
 */
export async function resolveOperatorToken(config: {
  OPERATOR_TOKEN?: string | undefined;
  DATA_DIR: string;
}): Promise<string> {
  if (config.OPERATOR_TOKEN) return config.OPERATOR_TOKEN;
  const file = operatorTokenFile(config.DATA_DIR);
  await mkdir(config.DATA_DIR, { recursive: true });
  const token = `op_${randomBytes(32).toString('base64url')}`;
  try {
    // Exclusive create: of several nodes starting on one shared volume, one writes the
    // token and the others read it, so they all accept the same one.
    await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= 32) return stored;
    // Another node created the file a moment ago and is still writing it.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${file} does not hold an operator token; remove it or set OPERATOR_TOKEN`);
}

export function operatorTokenFile(dataDir: string): string {
  return join(dataDir, 'operator-token');
}

const digest = (value: string) => createHash('sha256').update(value).digest();

export function operatorTokenMatches(expected: string, given: string | undefined): boolean {
  return typeof given === 'string' && timingSafeEqual(digest(expected), digest(given));
}
