import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.ts';
import { environmentDocs, environmentSchema } from './schema.ts';
import { fastifyTrustProxy } from './trust-proxy.ts';

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

  it('parses real backends', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: '3000',
      PUBLIC_URL: 'https://spreekuur.example.nl/',
    });
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/test');
    expect(config.PORT).toBe(3000);
    expect(config.PUBLIC_URL).toBe('https://spreekuur.example.nl');
  });

  it('reads TRUST_PROXY as off, a hop count, or the proxies’ addresses', () => {
    const trust = (value: string) => loadConfig({ TRUST_PROXY: value }).TRUST_PROXY;
    expect(trust('false')).toBe(false);
    expect(trust('0')).toBe(false);
    expect(trust('')).toBe(false);
    expect(trust('1')).toBe(1);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.5')).toEqual(['10.0.0.5']);
    expect(trust(' 172.16.0.0/12, 10.0.0.1,fd00::/8 ')).toEqual(['172.16.0.0/12', '10.0.0.1', 'fd00::/8']);
  });

  it('refuses TRUST_PROXY=true (it believes forged addresses) and anything that is not an address', () => {
    for (const value of ['true', 'yes', '10.0.0.0/33', 'proxy.local', '10.0.0.1,', '99']) {
      let error: unknown;
      try {
        loadConfig({ TRUST_PROXY: value });
      } catch (caught) {
        error = caught;
      }
      expect(error, value).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems[0], value).toMatch(/^TRUST_PROXY: /);
    }
  });

  it('gives fastify a trust function for hop counts (right-most entries first)', () => {
    const trust = fastifyTrustProxy(1);
    expect(typeof trust).toBe('function');
    const fn = trust as (address: string, hop: number) => boolean;
    // Hop 0 is the peer (the load balancer); hop 1 is the entry it appended: the client.
    expect([fn('10.0.0.2', 0), fn('203.0.113.7', 1)]).toEqual([true, false]);
    expect(fastifyTrustProxy(false)).toBe(false);
    expect(fastifyTrustProxy(['10.0.0.0/8'])).toEqual(['10.0.0.0/8']);
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
