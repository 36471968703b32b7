import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';

/**
 * An exclusive lock on a file between processes (Node only): a lock file next to it, created
 * with O_EXCL, that names its holder. A holder whose process is gone (same host, pid not
 * alive) leaves a stale lock, which the next process takes over. Released on `release()` and,
 * as a last resort, when the process exits.
 */
export interface LockHolder {
  pid: number;
  host: string;
  /** When the holder took the lock (ISO 8601). */
  startedAt: string;
  /** What the holder is doing, e.g. the CLI command (`follow`). */
  purpose: string;
  /** Unique per acquisition, so a process never removes a lock another one took since. */
  nonce: string;
}

export class FileLockedError extends Error {
  override readonly name = 'FileLockedError';
  readonly code = 'ERR_CLIENT_PROFILE_LOCKED';
  constructor(
    readonly path: string,
    readonly holder: LockHolder | null,
  ) {
    super(
      holder
        ? `${path} is in use by "${holder.purpose}" (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})`
        : `${path} is in use by another process`,
    );
  }
}

export interface FileLock {
  readonly lockPath: string;
  readonly holder: LockHolder;
  release(): void;
}

export interface LockOptions {
  purpose: string;
  /** How long to wait for another holder to let go; 0 (default): refuse at once. */
  waitMs?: number;
  /** Time between tries while waiting. */
  pollMs?: number;
}

const held = new Set<FileLock>();
let exitHookInstalled = false;

function readHolder(lockPath: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null;
    return {
      pid: parsed.pid,
      host: parsed.host,
      startedAt: String(parsed.startedAt ?? ''),
      purpose: String(parsed.purpose ?? '?'),
      nonce: String(parsed.nonce ?? ''),
    };
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A holder we can prove is gone: same host, its pid no longer runs. */
const isStale = (holder: LockHolder) => holder.host === hostname() && !processAlive(holder.pid);

function tryCreate(lockPath: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(holder));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Moves a stale lock out of the way. Two processes may find the same stale lock: the rename
 * lets only one of them take it, and if what was renamed is no longer the stale holder (a
 * third process took the lock in between), it is put back where it was.
 */
function removeStale(lockPath: string, stale: LockHolder): void {
  const aside = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // somebody else moved it first
  }
  const moved = readHolder(aside);
  if (moved && (moved.nonce !== stale.nonce || moved.pid !== stale.pid)) {
    try {
      linkSync(aside, lockPath); // fails if yet another process holds the lock now: then it is theirs
    } catch {
      /* the lock is held by a newer process; the moved one was stale anyway */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* already gone */
  }
}

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const lock of held) lock.release();
  });
}

/** Takes the lock on `path` (the lock file is `path.lock`), waiting up to `waitMs` for it. */
export async function acquireFileLock(path: string, options: LockOptions): Promise<FileLock> {
  const lockPath = `${path}.lock`;
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    purpose: options.purpose,
    nonce: randomBytes(8).toString('hex'),
  };
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    if (tryCreate(lockPath, holder)) break;
    const current = readHolder(lockPath);
    if (current && isStale(current)) {
      removeStale(lockPath, current);
      continue;
    }
    // A lock file without a readable holder is being written right now, or is damaged: a
    // damaged one is treated as held, so nothing is ever taken from a live process.
    if (Date.now() >= deadline) throw new FileLockedError(path, current);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
  let released = false;
  const lock: FileLock = {
    lockPath,
    holder,
    release() {
      if (released) return;
      released = true;
      held.delete(lock);
      // Remove only our own lock: never one a later process took over.
      if (readHolder(lockPath)?.nonce === holder.nonce) {
        try {
          unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      }
    },
  };
  held.add(lock);
  installExitHook();
  return lock;
}
