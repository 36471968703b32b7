import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { acquireFileLock, type FileLock, type LockOptions } from './file-lock.ts';
import type { KeyValueStore } from './key-value-store.ts';

/**
 * A device's state in one JSON file (Node only: the CLI). Every change is written to a
 * temporary file, flushed to disk (fsync), and renamed over the profile, then the directory
 * is flushed: a crash or a full disk never leaves half a file. Writes are queued so they land
 * in order. The file is created with mode 0600.
 *
 * One process at a time: {@link JsonFileStore.openExclusive} takes an OS-level lock on the
 * profile before it reads it, so the state is never an older copy that another process has
 * moved on from (two writers of one profile would roll back each other's ratchets and lose
 * messages). `new JsonFileStore(path)` without the lock is for one process that knows it is
 * alone (tests, tools).
 */
export class JsonFileStore implements KeyValueStore {
  private data: Record<string, unknown> | null = null;
  private writing: Promise<void> = Promise.resolve();
  private lock: FileLock | null = null;

  constructor(readonly path: string) {}

  /**
   * Takes the profile's lock (waiting up to `waitMs`), then opens the store. Throws
   * `FileLockedError` naming the holder when another live process has it.
   */
  static async openExclusive(path: string, options: LockOptions): Promise<JsonFileStore> {
    await mkdir(dirname(path), { recursive: true });
    const store = new JsonFileStore(path);
    store.lock = await acquireFileLock(path, options);
    return store;
  }

  /** Waits for pending writes, then lets go of the lock (if this store holds one). */
  async close(): Promise<void> {
    await this.writing;
    this.lock?.release();
    this.lock = null;
  }

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
    const write = this.writing.then(() => this.writeAtomically(snapshot));
    // One failed write is reported to its caller and does not block the ones after it.
    this.writing = write.catch(() => undefined);
    return write;
  }

  private async writeAtomically(snapshot: string): Promise<void> {
    const directory = dirname(this.path);
    await mkdir(directory, { recursive: true });
    // A name of its own per write: two handles never rename each other's file.
    const temporary = `${this.path}.${process.pid}.${++JsonFileStore.writes}.tmp`;
    const file = await open(temporary, 'w', 0o600);
    try {
      await file.writeFile(snapshot);
      await file.chmod(0o600);
      await file.sync();
    } catch (error) {
      await file.close();
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    await file.close();
    await rename(temporary, this.path);
    // The rename itself is durable only once the directory entry is on disk.
    const dir = await open(directory, 'r').catch(() => null);
    await dir?.sync().catch(() => undefined);
    await dir?.close();
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

  /** Empties the store in one write (a device registered again on this profile). */
  async clear(): Promise<void> {
    await this.load();
    this.data = {};
    this.loading = Promise.resolve(this.data);
    await this.persist();
  }

  /** Replaces the whole state in one write (a profile encrypted in place: all or nothing). */
  async replace(data: Record<string, unknown>): Promise<void> {
    await this.load();
    this.data = structuredClone(data);
    this.loading = Promise.resolve(this.data);
    await this.persist();
  }

  async keys(prefix: string): Promise<string[]> {
    return Object.keys(await this.load()).filter((key) => key.startsWith(prefix));
  }
}
export { FileLockedError } from './file-lock.ts';
