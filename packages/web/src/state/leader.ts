/**
 * One writing tab per device: the ratchet state must not be advanced by two tabs at once. The
 * tab that holds the Web Lock is the device; another tab shows a notice and may take over
 * (`steal`), which ends the first tab's lock so it stops and shows the notice instead.
 */
const LOCK = 'spreekuur-device';

export interface Leadership {
  /** Resolves when another tab took the device over. */
  lost: Promise<void>;
  release(): void;
}

export async function becomeLeader(steal = false): Promise<Leadership | null> {
  if (!('locks' in navigator)) {
    // Very old browsers: no lock to take, so one tab is assumed.
    return { lost: new Promise(() => {}), release: () => {} };
  }
  return new Promise((resolve) => {
    let release!: () => void;
    const held = new Promise<void>((done) => (release = done));
    let lostResolve!: () => void;
    const lost = new Promise<void>((done) => (lostResolve = done));
    navigator.locks
      .request(LOCK, steal ? { steal: true } : { ifAvailable: true }, async (lock) => {
        if (!lock) {
          resolve(null);
          return;
        }
        resolve({ lost, release });
        await held;
      })
      // A steal by another tab rejects the request of the tab that held the lock.
      .catch(() => lostResolve());
  });
}
