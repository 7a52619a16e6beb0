// The list engine's storage: one per account per resource. Objects sit in an array in ascending
// (created, seq) order — `seq` is the account's insertion counter, so objects created in the same
// second keep a stable order — and every list is a binary search for its bounds plus a walk of at
// most `limit + 1` entries. Nothing is sorted or fully scanned per request, so a `created[gte]`
// page costs O(log n + limit): the same at 1,000,000 objects as at 10,000.
//
// Exact-match filters that lists take (a charge's `customer`, an event's `type`, a customer's
// `email`) are secondary indexes: per value, a sub-collection with the same order, so a filtered
// list is as cheap as an unfiltered one. Filters without an index fall back to a walk that tests
// each entry (still stopping after `limit + 1` matches).

/** What every listed object carries. Records are immutable: an update stores a new record. */
export interface Listed {
  readonly id: string;
  /** Unix seconds. */
  readonly created: number;
  /** The account-wide insertion counter; breaks ties within one second. */
  readonly seq: number;
}

/** A position in the order, used for cursors; an object deleted since still has one. */
export interface OrderKey {
  readonly created: number;
  readonly seq: number;
}

export interface CreatedRange {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export interface PageQuery<T> {
  /** 1–100, checked by the caller. */
  limit: number;
  created?: CreatedRange;
  /** Objects strictly older than this key (the next page). */
  startingAfter?: OrderKey;
  /** Objects strictly newer than this key (the previous page). */
  endingBefore?: OrderKey;
  /** A filter without an index; tested per entry. */
  where?: (item: T) => boolean;
}

export interface Page<T> {
  /** Newest first, as Stripe lists. */
  data: T[];
  hasMore: boolean;
}

export type IndexKey<T> = (item: T) => string | null | undefined;

function compareKey(a: OrderKey, b: OrderKey): number {
  return a.created - b.created || a.seq - b.seq;
}

export class Collection<T extends Listed> {
  private items: T[] = [];
  private readonly byId: Map<string, T> | undefined;
  /** Order keys of removed objects, so a page cursor naming one still works (as in Stripe). */
  private readonly removedKeys: Map<string, OrderKey> | undefined;
  private readonly indexes = new Map<string, { key: IndexKey<T>; groups: Map<string, Collection<T>> }>();

  constructor(indexes: Record<string, IndexKey<T>> = {}, options: { trackIds?: boolean } = {}) {
    // Sub-collections of an index find entries by order key, so they need no id map of their own.
    this.byId = options.trackIds === false ? undefined : new Map();
    this.removedKeys = options.trackIds === false ? undefined : new Map();
    for (const [name, key] of Object.entries(indexes)) this.indexes.set(name, { key, groups: new Map() });
  }

  get size(): number {
    return this.items.length;
  }

  get(id: string): T | undefined {
    return this.byId?.get(id);
  }

  /** Where an object sits (or sat, if removed), for cursors. */
  keyOf(id: string): OrderKey | undefined {
    const item = this.byId?.get(id);
    if (item !== undefined) return { created: item.created, seq: item.seq };
    return this.removedKeys?.get(id);
  }

  insert(item: T): void {
    this.byId?.set(item.id, item);
    const last = this.items[this.items.length - 1];
    // The common case — a new object at the emulated "now" — appends. An object dated into the
    // past (clock set back, bulk-create over a range) is spliced into place.
    if (last === undefined || compareKey(last, item) < 0) this.items.push(item);
    else this.items.splice(this.lowerBoundKey(item), 0, item);
    for (const index of this.indexes.values()) {
      const value = index.key(item);
      if (value === null || value === undefined) continue;
      let group = index.groups.get(value);
      if (group === undefined) {
        group = new Collection<T>({}, { trackIds: false });
        index.groups.set(value, group);
      }
      group.insert(item);
    }
  }

  /** Stores a new version of an object already here (same id, created and seq). */
  replace(item: T): void {
    const old = this.byId?.get(item.id);
    if (this.byId !== undefined && old === undefined) throw new Error(`replace of unknown id ${item.id}`);
    const at = this.positionOf(item);
    if (at < 0) throw new Error(`replace of unlisted id ${item.id}`);
    this.items[at] = item;
    this.byId?.set(item.id, item);
    for (const index of this.indexes.values()) {
      const before = old === undefined ? undefined : index.key(old);
      const after = index.key(item);
      if (before === after) {
        if (after !== null && after !== undefined) index.groups.get(after)?.replace(item);
        continue;
      }
      if (before !== null && before !== undefined) index.groups.get(before)?.removeAt(item);
      if (after !== null && after !== undefined) {
        let group = index.groups.get(after);
        if (group === undefined) {
          group = new Collection<T>({}, { trackIds: false });
          index.groups.set(after, group);
        }
        group.insert(item);
      }
    }
  }

  remove(id: string): T | undefined {
    const item = this.byId?.get(id);
    if (item === undefined) return undefined;
    this.byId?.delete(id);
    this.removedKeys?.set(id, { created: item.created, seq: item.seq });
    this.removeAt(item);
    for (const index of this.indexes.values()) {
      const value = index.key(item);
      if (value === null || value === undefined) continue;
      const group = index.groups.get(value);
      group?.removeAt(item);
      if (group?.size === 0) index.groups.delete(value);
    }
    return item;
  }

  /** Drops every object created before `createdSeconds` (event retention). Returns them. */
  dropOlderThan(createdSeconds: number): T[] {
    const end = this.lowerBoundCreated(createdSeconds);
    if (end === 0) return [];
    const dropped = this.items.splice(0, end);
    for (const item of dropped) {
      this.byId?.delete(item.id);
      for (const index of this.indexes.values()) {
        const value = index.key(item);
        if (value === null || value === undefined) continue;
        const group = index.groups.get(value);
        group?.dropOlderThan(createdSeconds);
        if (group?.size === 0) index.groups.delete(value);
      }
    }
    return dropped;
  }

  clear(): void {
    this.items = [];
    this.byId?.clear();
    this.removedKeys?.clear();
    for (const index of this.indexes.values()) index.groups.clear();
  }

  /** The sub-collection of one index value; an empty one when nothing has that value. */
  indexed(name: string, value: string): Collection<T> {
    const index = this.indexes.get(name);
    if (index === undefined) throw new Error(`no index ${name}`);
    return index.groups.get(value) ?? EMPTY;
  }

  page(query: PageQuery<T>): Page<T> {
    let lo = 0;
    let hi = this.items.length;
    const range = query.created;
    if (range !== undefined) {
      if (range.gte !== undefined) lo = Math.max(lo, this.lowerBoundCreated(range.gte));
      if (range.gt !== undefined) lo = Math.max(lo, this.lowerBoundCreated(range.gt + 1));
      if (range.lte !== undefined) hi = Math.min(hi, this.lowerBoundCreated(range.lte + 1));
      if (range.lt !== undefined) hi = Math.min(hi, this.lowerBoundCreated(range.lt));
    }
    if (query.startingAfter !== undefined) hi = Math.min(hi, this.lowerBoundKey(query.startingAfter));
    if (query.endingBefore !== undefined) lo = Math.max(lo, this.upperBoundKey(query.endingBefore));
    const data: T[] = [];
    const want = query.limit + 1;
    if (query.endingBefore !== undefined) {
      // The page just newer than the cursor: walk up from it, then show it newest first.
      for (let i = lo; i < hi && data.length < want; i++) {
        const item = this.items[i]!;
        if (query.where === undefined || query.where(item)) data.push(item);
      }
      const hasMore = data.length > query.limit;
      if (hasMore) data.pop();
      return { data: data.reverse(), hasMore };
    }
    for (let i = hi - 1; i >= lo && data.length < want; i--) {
      const item = this.items[i]!;
      if (query.where === undefined || query.where(item)) data.push(item);
    }
    const hasMore = data.length > query.limit;
    if (hasMore) data.pop();
    return { data, hasMore };
  }

  /** Newest first from just below `before` (exclusive), for searches that test every entry. */
  *newestFirst(before?: OrderKey): Generator<T> {
    const start = before === undefined ? this.items.length : this.lowerBoundKey(before);
    for (let i = start - 1; i >= 0; i--) yield this.items[i]!;
  }

  private removeAt(item: OrderKey): void {
    const at = this.positionOf(item);
    if (at >= 0) this.items.splice(at, 1);
  }

  private positionOf(key: OrderKey): number {
    const at = this.lowerBoundKey(key);
    const found = this.items[at];
    return found !== undefined && compareKey(found, key) === 0 ? at : -1;
  }

  /** First position whose created ≥ `created`. */
  private lowerBoundCreated(created: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.created < created) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First position whose key ≥ `key`. */
  private lowerBoundKey(key: OrderKey): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKey(this.items[mid]!, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First position whose key > `key`. */
  private upperBoundKey(key: OrderKey): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKey(this.items[mid]!, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const EMPTY = new Collection<any>({}, { trackIds: false });
