import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KeyValueStore } from './key-value-store.ts';

/**
 * A device's state in one JSON file (Node only: the CLI). Every change rewrites the file
 * through a temporary file and a rename, so a crash never leaves half a file; writes are
 * queued so they land in order. The file is created with mode 0600.
 */
export class JsonFileStore implements KeyValueStore {
  private data: Record<string, unknown> | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  private loading: Promise<Record<string, unknown>> | null = null;

  /** Reads the file once; concurrent first calls share that one read (and one object). */
  private load(): Promise<Record<string, unknown>> {
    this.loading ??= readFile(this.path, 'utf8').then(
      (text) => JSON.parse(text) as Record<string, unknown>,
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        return {};
      },
    );
    return this.loading.then((data) => (this.data = data));
  }

  private persist(): Promise<void> {
    const snapshot = JSON.stringify(this.data);
    const write = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      // A name of its own per write: two processes on one profile never rename each other's file.
      const temporary = `${this.path}.${process.pid}.${++JsonFileStore.writes}.tmp`;
      await writeFile(temporary, snapshot, { mode: 0o600 });
      await chmod(temporary, 0o600);
      await rename(temporary, this.path);
    });
    // One failed write is reported to its caller and does not block the ones after it.
    this.writing = write.catch(() => undefined);
    return write;
  }

  private static writes = 0;

  async get<T>(key: string): Promise<T | undefined> {
    const value = (await this.load())[key];
    return value === undefined ? undefined : (structuredClone(value) as T);
  }

  async set(key: string, value: unknown): Promise<void> {
    (await this.load())[key] = structuredClone(value);
    await this.persist();
  }

  async delete(key: string): Promise<void> {
    delete (await this.load())[key];
    await this.persist();
  }

  async keys(prefix: string): Promise<string[]> {
    return Object.keys(await this.load()).filter((key) => key.startsWith(prefix));
  }
}
