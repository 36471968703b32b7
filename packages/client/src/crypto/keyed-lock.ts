/**
 * One queue per key: work for the same key runs one after another, work for different keys
 * runs side by side. The outbox and the inbox both load, change and save the same ratchet
 * state; without this, one interleaving reuses a message key (the peer drops it as a replay)
 * and the other saves a state from before a decryption (an old message decrypts again).
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    // Forget the queue once it is empty, so the map does not grow with every device ever seen.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
