import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.ts';
import { environmentDocs, environmentSchema } from './schema.ts';

describe('loadConfig', () => {
  it('gives working defaults for an empty environment (embedded mode)', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(8080);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.PUBLIC_URL).toBe('http://localhost:8080');
    expect(config.TRUST_PROXY).toBe(false);
    expect(config.MAX_FILE_BYTES).toBe(25 * 1024 * 1024);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('parses real backends and booleans', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      REDIS_URL: 'redis://127.0.0.1:6379',
      TRUST_PROXY: 'true',
      PORT: '3000',
      PUBLIC_URL: 'https://spreekuur.example.nl/',
    });
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/test');
    expect(config.TRUST_PROXY).toBe(true);
    expect(config.PORT).toBe(3000);
    expect(config.PUBLIC_URL).toBe('https://spreekuur.example.nl');
  });

  it('names every bad variable, with the value that was given', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('PORT:'))).toContain('"eighty"');
    expect(problems.find((p) => p.startsWith('DATABASE_URL:'))).toContain('postgres://');
    expect(problems.find((p) => p.startsWith('LOG_LEVEL:'))).toBeDefined();
  });

  it('documents every variable', () => {
    expect(Object.keys(environmentDocs).sort()).toEqual(Object.keys(environmentSchema.shape).sort());
  });
});
