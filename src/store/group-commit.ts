// Group commit: writes that arrive close together are committed in one transaction, and each
// writer's promise settles only once the transaction holding its item has committed. A commit is
// most of a small write's cost (one WAL append on SQLite, one round trip and fsync on PostgreSQL),
// so sharing it is what lets the action path (run history) and the inbound webhook route (events)
// keep their "answered only after a durable write" rule at speed.
//
// One group is committed at a time; items arriving meanwhile form the next group, which is
// committed as soon as the current one ends. A group that fails is retried item by item, so one
// bad item fails only its own writer.

export interface GroupCommitOptions<T, R> {
  /** Writes the items in ONE transaction and returns each item's result, in order. */
  commit(items: T[]): Promise<R[]>;
  /** How long the first item of a group waits for company. 0: until the end of this turn of the event loop. */
  delayMs: number;
  /** Most items in one group; the rest wait for the next. */
  maxItems: number;
}

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class GroupCommit<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private scheduled = false;
  private committing = false;

  constructor(private readonly options: GroupCommitOptions<T, R>) {}

  /** Resolves with the item's result once its transaction committed; rejects if it could not be written. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.scheduled || this.committing) return;
      this.scheduled = true;
      const start = () => {
        this.scheduled = false;
        void this.commitWaiting();
      };
      // setImmediate runs after the current poll phase: every writer woken in this turn has queued its item.
      if (this.options.delayMs > 0) setTimeout(start, this.options.delayMs);
      else setImmediate(start);
    });
  }

  private async commitWaiting(): Promise<void> {
    this.committing = true;
    while (this.waiting.length > 0) await this.commitGroup(this.waiting.splice(0, this.options.maxItems));
    this.committing = false;
  }

  private async commitGroup(group: Waiting<T, R>[]): Promise<void> {
    let results: R[];
    try {
      results = await this.options.commit(group.map((w) => w.item));
    } catch (error) {
      if (group.length === 1) group[0]!.reject(error);
      // One transaction is all or nothing: each item is tried alone, so each writer gets its own outcome.
      else for (const waiting of group) await this.commitGroup([waiting]);
      return;
    }
    group.forEach((waiting, i) => waiting.resolve(results[i]!));
  }
}
