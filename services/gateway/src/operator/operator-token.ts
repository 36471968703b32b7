import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
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
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= 32) return stored;
  } catch {
    // Not made yet.
  }
  const token = `op_${randomBytes(32).toString('base64url')}`;
  await mkdir(config.DATA_DIR, { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return token;
}

export function operatorTokenFile(dataDir: string): string {
  return join(dataDir, 'operator-token');
}

const digest = (value: string) => createHash('sha256').update(value).digest();

export function operatorTokenMatches(expected: string, given: string | undefined): boolean {
  return typeof given === 'string' && timingSafeEqual(digest(expected), digest(given));
}
