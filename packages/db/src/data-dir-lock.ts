import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * One embedded database per folder: PGlite has no lock of its own, and two processes on one
 * folder corrupt it (`RuntimeError: Aborted()`) or, worse, both serve from the same files. A
 * lock file beside the folder, created with O_EXCL, names the process that holds it; a lock
 * whose process is gone (same host, pid not running) is taken over. The same scheme as the
 * SDK's profile lock (packages/client/src/storage/file-lock.ts), kept here because the server
 * must not depend on the client package.
 */
interface Holder {
  pid: number;
  host: string;
  startedAt: string;
  nonce: string;
}

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  readonly code = 'ERR_DATA_DIR_LOCKED';
  constructor(
    readonly dataDir: string,
    readonly holder: Holder | null,
  ) {
    super(
      `${dataDir} is in use by another Spreekuur process${
        holder ? ` (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})` : ''
      }: stop that one first, or give this one its own DATA_DIR`,
    );
  }
}

function readHolder(path: string): Holder | null {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as Holder;
    return typeof holder.pid === 'number' && typeof holder.host === 'string' ? holder : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Locks `dataDir` (lock file `dataDir.lock`); returns the function that lets go of it. */
export function lockDataDir(dataDir: string): () => void {
  const path = `${dataDir}.lock`;
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    nonce: randomBytes(8).toString('hex'),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(path);
    const stale = holder && holder.host === me.host && !alive(holder.pid);
    if (!stale || attempt > 3) throw new DataDirLockedError(dataDir, holder);
    // Move the stale lock aside (only one process wins the rename), then try again.
    const aside = `${path}.stale.${me.nonce}`;
    try {
      renameSync(path, aside);
      unlinkSync(aside);
    } catch {
      /* another process moved it first */
    }
  }
  const release = () => {
    process.off('exit', release);
    if (readHolder(path)?.nonce !== me.nonce) return;
    try {
      unlinkSync(path);
    } catch {
      /* already gone */
    }
  };
  process.on('exit', release);
  return release;
}
