import type { FieldIssue } from '@spreekuur/protocol/errors';

/**
 * PostgreSQL cannot store U+0000 in text (embedded and real alike: "invalid byte sequence"),
 * so a NUL anywhere in a request would fail deep in a query as an internal error. Refused at
 * the edge instead, for every route and socket event, with the path of the offending field.
 */
export function nulCharacterIssue(value: unknown, root: string): FieldIssue | null {
  // Iterative, and each entry points to its parent instead of copying the path: bodies may be
  // nested many thousands of levels deep, and checking must stay linear in their size.
  interface Entry {
    value: unknown;
    key: string | number;
    parent: Entry | null;
  }
  const found = (entry: Entry): FieldIssue => {
    const path: Array<string | number> = [];
    for (let at: Entry | null = entry; at; at = at.parent) path.push(at.key);
    return { path: path.reverse(), message: 'must not contain NUL characters' };
  };
  const stack: Entry[] = [{ value, key: root, parent: null }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const current = entry.value;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return found(entry);
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, key: index, parent: entry }));
    } else if (isPlainObject(current)) {
      for (const [key, item] of Object.entries(current)) {
        if (key.includes('\u0000')) return found(entry);
        stack.push({ value: item, key, parent: entry });
      }
    }
  }
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
