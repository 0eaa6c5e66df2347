/**
 * Read/write locks by object key, first come first served. S3 replaces an object atomically: a GET during a PUT of
 * the same key returns the old object or the new one, whole. The S3 server behind the sandbox's edge writes object
 * files in place (and their ETag after them), so the edge holds a key's lock while a request on it runs: reads share
 * it, writes (PUT, DELETE, CompleteMultipartUpload) have it alone. A waiting write holds back later reads (no write
 * waits for ever behind a stream of reads).
 */
export class KeyLocks {
  private readonly keys = new Map<
    string,
    { readers: number; writer: boolean; queue: { write: boolean; grant: () => void }[] }
  >();

  /** Resolves with the release function once the lock is held. */
  acquire(key: string, write: boolean): Promise<() => void> {
    let s = this.keys.get(key);
    if (!s) this.keys.set(key, (s = { readers: 0, writer: false, queue: [] }));
    const state = s;
    return new Promise((resolve) => {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (write) state.writer = false;
        else state.readers--;
        this.drain(key, state);
      };
      state.queue.push({ write, grant: () => resolve(release) });
      this.drain(key, state);
    });
  }

  /** Keys with a lock held or awaited (for the status page and tests). */
  get size(): number {
    return this.keys.size;
  }

  private drain(
    key: string,
    s: { readers: number; writer: boolean; queue: { write: boolean; grant: () => void }[] },
  ): void {
    while (s.queue.length) {
      const next = s.queue[0]!;
      if (s.writer || (next.write && s.readers > 0)) break;
      s.queue.shift();
      if (next.write) s.writer = true;
      else s.readers++;
      next.grant();
    }
    if (!s.writer && s.readers === 0 && s.queue.length === 0) this.keys.delete(key);
  }
}
