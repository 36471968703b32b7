import { describe, expect, it } from 'vitest';
import { redactUrl } from './logging.ts';

describe('redactUrl', () => {
  it('redacts secret query parameters and keeps the rest', () => {
    expect(redactUrl('/v1/calendar/feed.ics?token=abc123&x=1')).toBe(
      '/v1/calendar/feed.ics?token=[Redacted]&x=1',
    );
    expect(redactUrl('/join?code=ABCD-EFGH&lang=nl')).toBe('/join?code=[Redacted]&lang=nl');
    expect(redactUrl('/x?a=1&access_token=sk_1&TOKEN=2')).toBe(
      '/x?a=1&access_token=[Redacted]&TOKEN=[Redacted]',
    );
    expect(redactUrl('/x?token=a=b=c')).toBe('/x?token=[Redacted]');
    expect(redactUrl('/x?token=abc#part')).toBe('/x?token=[Redacted]#part');
    expect(redactUrl('/v1/me')).toBe('/v1/me');
    expect(redactUrl('/x?token&&tokens=1&=2')).toBe('/x?token&&tokens=1&=2');
  });

  // Issue 15, finding 2: `?%74oken=…` is read as `token` by the server, and was logged in clear.
  it('redacts a parameter whose name is percent-encoded, as the server decodes it', () => {
    expect(redactUrl('/v1/calendar/feed.ics?%74oken=cal_secret')).toBe(
      '/v1/calendar/feed.ics?%74oken=[Redacted]',
    );
    expect(redactUrl('/f?%74%6F%6B%65%6E=cal_secret')).toBe('/f?%74%6F%6B%65%6E=[Redacted]');
    expect(redactUrl('/f?x=1&c%6Fde=ABCD')).toBe('/f?x=1&c%6Fde=[Redacted]');
    // Double encoding does not hide it either (more redaction than needed is harmless).
    expect(redactUrl('/f?%2574oken=cal_secret')).toBe('/f?%2574oken=[Redacted]');
  });

  it('copes with malformed percent-encoding without throwing', () => {
    expect(redactUrl('/f?%E0%A4%A=1&%74oken=cal_secret')).toBe('/f?%E0%A4%A=1&%74oken=[Redacted]');
    expect(redactUrl('/f?%=1&%zz=2&%%74oken=3&%74oken%=4&%74oken=5')).toBe(
      '/f?%=1&%zz=2&%%74oken=3&%74oken%=4&%74oken=[Redacted]',
    );
    expect(redactUrl('/f?%ff%fe=1')).toBe('/f?%ff%fe=1');
  });
});
