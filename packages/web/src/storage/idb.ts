/** A few promise helpers over IndexedDB, enough for one database with two object stores. */

const DB_NAME = 'spreekuur';
const VERSION = 1;
/** Sealed key-value pairs of the SDK (identity, sessions, messages, outbox). */
export const VALUES = 'values';
/** The device's wrapping key: a non-extractable CryptoKey, stored as the object itself. */
export const KEYS = 'keys';

export function openDatabase(name = DB_NAME): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(VALUES)) db.createObjectStore(VALUES);
      if (!db.objectStoreNames.contains(KEYS)) db.createObjectStore(KEYS);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
    request.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
  });
}

export function run<T>(
  db: IDBDatabase,
  store: string,
  mode: IDBTransactionMode,
  action: (objects: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(store, mode);
    const request = action(transaction.objectStore(store));
    // Resolve when the transaction is durable, not merely when the request answered.
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error ?? request.error ?? new Error('IndexedDB failed'));
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
  });
}
