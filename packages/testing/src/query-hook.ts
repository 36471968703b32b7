import type { Database } from '@spreekuur/db';

/**
 * The database with every top-level `query` passed through `hook` first: a test that must fail a
 * statement, or act between a statement's answer and its caller, does it here. `run` sends the
 * statement on; transactions and sessions are left as they are.
 */
export function hookQueries(
  db: Database,
  hook: (sql: string, run: () => Promise<unknown>) => Promise<unknown>,
): Database {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'query')
        return (sql: string, params?: readonly unknown[]) => hook(sql, () => target.query(sql, params));
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
