import { hostname } from 'node:os';
import { environmentSchema, type Environment } from './schema.ts';
import type { TrustProxy } from './trust-proxy.ts';

export type Config = Environment & {
  PUBLIC_URL: string;
  NODE_ID: string;
  TRUST_PROXY: TrustProxy;
};

/** A configuration problem, phrased for an operator: `NAME: what is wrong`. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

/** Validates the environment; throws {@link ConfigError} naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = issue.path.join('.') || '(environment)';
      const given = typeof env[variable] === 'string' ? ` (got "${env[variable]}")` : '';
      return `${variable}: ${issue.message}${given}`;
    });
    throw new ConfigError(problems);
  }
  const values = parsed.data;
  return {
    ...values,
    PUBLIC_URL: (values.PUBLIC_URL ?? `http://localhost:${values.PORT}`).replace(/\/+$/, ''),
    NODE_ID: values.NODE_ID ?? hostname(),
    TRUST_PROXY: values.TRUST_PROXY ?? false,
  };
}

/**
 * For `main.ts` files: load the config or stop the process with one clear line
 * (no stack trace; an operator only needs to know which variable to fix).
 */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`spreekuur: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
