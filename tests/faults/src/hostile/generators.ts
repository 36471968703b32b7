import fc from 'fast-check';
import type { EndpointDefinition } from '@spreekuur/protocol/endpoint';

/** Strings people and scripts send that programs trip over. */
const nasty = [
  '',
  ' ',
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f',
  '..\\..\\windows\\win.ini',
  '\u0000',
  'abc\u0000def',
  '\ud800',
  '\udfff\ud800',
  '\u202eevil\u202c',
  '\u200b\u200d\ufeff',
  'Z̴̧̛̛͉̗a̸l̵g̷o̶',
  '𝕊𝕡𝕣𝕖𝕖𝕜𝕦𝕦𝕣',
  "' OR 1=1 --",
  '"; DROP TABLE people; --',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  '-1',
  '0',
  '1e400',
  'NaN',
  'Infinity',
  '9007199254740993',
  'true',
  'null',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'a'.repeat(5_000),
  '=?utf-8?b?AAAA?=',
  '*',
  '%',
  '%%',
  '%zz',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...nasty) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.base64String({ maxLength: 80 }) },
);

const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'role', 'orgId'),
  fc.string({ maxLength: 12 }),
);

/** Any JSON, tilted towards what breaks code: odd keys, nesting, long arrays, extreme numbers. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(0, -0, 1e308, -1e308, 2 ** 53 + 1),
    ),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 6 }),
    fc.integer({ min: 1_000, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
    fc.integer({ min: 50, max: 400 }).map((depth) => {
      let nested: unknown = 'bottom';
      for (let i = 0; i < depth; i++) nested = { a: nested };
      return nested;
    }),
  ),
})).value;

type HostileBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; contentType: string }
  | { kind: 'raw'; raw: string; contentType: string };

export interface HostileRequest {
  url: string;
  /** The path was spelled without encoding (traversal, slashes, `?`): it may reach another route. */
  rawPath: boolean;
  params: Record<string, string>;
  query: Record<string, string>;
  body: HostileBody;
  auth: 'none' | 'garbage' | 'valid';
  garbageToken: string;
}

/** encodeURIComponent, which throws on a lone surrogate: those go as U+FFFD, as a browser sends them. */
const encode = (value: string) =>
  encodeURIComponent(
    value.replace(/[\ud800-\udfff]/g, (c, i: number, all: string) => {
      const pair = /[\ud800-\udbff][\udc00-\udfff]/.test(
        all.slice(c >= '\udc00' ? i - 1 : i, (c >= '\udc00' ? i - 1 : i) + 2),
      );
      return pair ? c : '\ufffd';
    }),
  );

const paramNames = (path: string) => [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);

/** A request to `endpoint` with hostile params, query, body, content type and credentials. */
export function hostileRequestParts(endpoint: EndpointDefinition): fc.Arbitrary<HostileRequest> {
  const names = paramNames(endpoint.path);
  const params = fc.record(Object.fromEntries(names.map((name) => [name, hostileString])));
  const query = fc.dictionary(
    fc.oneof(hostileKey, fc.constantFrom('limit', 'after', 'from', 'to', 'teamId', 'role')),
    hostileString,
    {
      maxKeys: 4,
    },
  );
  const body: fc.Arbitrary<HostileBody> = fc.oneof(
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('json' as const),
        value: hostileJson,
        contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8'),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('raw' as const),
        raw: fc.oneof(hostileString, fc.constantFrom('{', '{"a":', '[1,2', '\u0000', 'null', '"', '<xml/>')),
        contentType: fc.constantFrom(
          'application/json',
          'text/plain',
          'application/xml',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/octet-stream',
          'application/json; charset=utf-16',
        ),
      }),
    },
  );
  return fc
    .record({
      params,
      query,
      body,
      rawPath: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
      auth: fc.constantFrom('none' as const, 'garbage' as const, 'valid' as const, 'valid' as const),
      garbageToken: fc.oneof(hostileString, fc.constantFrom('sk_', 'sk_' + 'A'.repeat(43), 'Bearer', 'null')),
    })
    .map(({ params: values, query: q, body: b, rawPath, auth, garbageToken }) => {
      const path = endpoint.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
        const value = values[name] ?? '';
        return rawPath ? value.replace(/[^\x21-\x7e]/g, (c) => encode(c)) : encode(value);
      });
      const search = new URLSearchParams(q).toString();
      return {
        url: `${path || '/'}${search ? `?${search}` : ''}`,
        rawPath,
        params: values,
        query: q,
        body: b,
        auth,
        garbageToken: garbageToken.replace(/[^\x20-\x7e]/g, '') || 'x',
      };
    });
}
