/**
 * Group commit for statements many concurrent callers make (the outbound jobs' claims and
 * records): while one statement for a group is under way, the callers arriving meanwhile wait,
 * and then go together in the next one. `run` answers each item of the group (in order); each
 * caller gets its own answer, or the group's error; nothing waits on a timer, so a lone caller runs at once.
 * At most `maxGroup` items go in one statement.
 */
export function createGroupCommit<T, R>(run: (items: readonly T[]) => Promise<readonly R[]>, maxGroup = 256): (item: T) => Promise<R> {
  let queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.length > 0) {
        const group = queue.slice(0, maxGroup);
        queue = queue.slice(group.length);
        try {
          const results = await run(group.map((g) => g.item));
          group.forEach((g, i) => g.resolve(results[i]!));
        } catch (error) {
          for (const g of group) g.reject(error);
        }
      }
    } finally {
      running = false;
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!running) void drain();
    });
}
