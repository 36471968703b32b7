import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { logRedisConnection } from './redis.ts';

describe('logRedisConnection', () => {
  it('logs a lost connection once per outage and its return, and handles every error event', () => {
    const redis = new EventEmitter();
    const lines: string[] = [];
    logRedisConnection(redis, {
      warn: (_details, message) => lines.push(`warn ${message}`),
      info: (message) => lines.push(`info ${message}`),
    });
    // Without a listener an 'error' event would throw here.
    for (let i = 0; i < 5; i++) redis.emit('error', new Error('connect ECONNREFUSED'));
    redis.emit('ready');
    redis.emit('ready');
    redis.emit('error', new Error('connect ECONNREFUSED'));
    expect(lines).toEqual([
      'warn Redis connection lost; reconnecting',
      'info Redis connection back',
      'warn Redis connection lost; reconnecting',
    ]);
  });
});
