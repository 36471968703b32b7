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

  private async load(): Promise<Record<string, unknown>> {
    if (this.data) return this.data;
    try {
      this.data = JSON.parse(await readFile(this.path, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.data = {};
    }
    return this.data;
  }

  private persist(): Promise<void> {
    const snapshot = JSON.stringify(this.data);
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      const temporary = `${this.path}.tmp`;
      await writeFile(temporary, snapshot, { mode: 0o600 });
      await chmod(temporary, 0o600);
      await rename(temporary, this.path);
    });
    return this.writing;
  }

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
