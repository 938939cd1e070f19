import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// Deletes the key only while it still holds our value: a lock that expired and was taken by
// another process is never released by us.
const RELEASE_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** A Redis lock across processes: `SET key value NX PX ttl`, released by compare-and-delete. */
export class RedisTokenLock {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly ttlMs: number,
  ) {}

  /** The owner's value when taken, null when another process holds it. */
  async tryAcquire(): Promise<string | null> {
    const owner = randomUUID();
    const answer = await this.redis.set(this.key, owner, 'PX', this.ttlMs, 'NX');
    return answer === 'OK' ? owner : null;
  }

  async release(owner: string): Promise<void> {
    await this.redis.eval(RELEASE_IF_OWNER, 1, this.key, owner);
  }

  async isHeld(): Promise<boolean> {
    return (await this.redis.exists(this.key)) === 1;
  }
}
