/**
 * Where a device keeps its state: identity, prekeys, sessions, sender keys, cursors and the
 * outbox. One port, several adapters: in memory (tests), a JSON file (the CLI), IndexedDB
 * (the web app, later). Values are JSON-safe; binary is base64url inside them.
 *
 * These values are secrets. Adapters should keep them where only this person can read them
 * (the file adapter writes mode 0600); encryption at rest with a passphrase is future work.
 */
export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys that start with `prefix`, in no particular order. */
  keys(prefix: string): Promise<string[]>;
}

export class MemoryStore implements KeyValueStore {
  private readonly values = new Map<string, string>();

  async get<T>(key: string): Promise<T | undefined> {
    const value = this.values.get(key);
    // Stored as JSON text so callers can never share (and mutate) one object.
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }

  async keys(prefix: string): Promise<string[]> {
    return [...this.values.keys()].filter((key) => key.startsWith(prefix));
  }
}
