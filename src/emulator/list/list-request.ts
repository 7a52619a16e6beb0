// The list engine's request side, the same for every resource: reads `limit`, `created`,
// `starting_after` and `ending_before` with Stripe's rules and renders the list object.
import { exclusiveParameters, invalidInteger, invalidValue, resourceMissing } from '../wire/errors.js';
import type { Params } from '../wire/params.js';
import type { Collection, CreatedRange, Listed, OrderKey } from './collection.js';

/** Stripe's default page size is 10; `limit` may be 1–100. */
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;

export interface ListQuery {
  limit: number;
  created: CreatedRange | undefined;
  startingAfter: string | undefined;
  endingBefore: string | undefined;
}

export function readListQuery(params: Params): ListQuery {
  const limit = params.integer('limit', { min: 1, max: MAX_LIMIT }) ?? DEFAULT_LIMIT;
  const startingAfter = params.nonEmptyString('starting_after');
  const endingBefore = params.nonEmptyString('ending_before');
  if (startingAfter !== undefined && endingBefore !== undefined) {
    throw exclusiveParameters(['ending_before', 'starting_after']);
  }
  return { limit, created: readCreated(params, 'created'), startingAfter, endingBefore };
}

/** `created=T` (exact) or `created[gt|gte|lt|lte]=T`. */
export function readCreated(params: Params, key: string): CreatedRange | undefined {
  if (!params.has(key)) return undefined;
  const raw = params.accept(key);
  if (typeof raw === 'string') {
    const exact = parseSeconds(params.name(key), raw);
    return { gte: exact, lte: exact };
  }
  const nested = params.object(key);
  if (nested === null || nested === undefined) throw invalidInteger(params.name(key), raw);
  const range: CreatedRange = {};
  for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
    const value = nested.integer(op);
    if (value !== undefined) range[op] = value;
  }
  nested.finish();
  return range;
}

function parseSeconds(param: string, raw: string): number {
  if (!/^-?\d{1,16}$/.test(raw)) throw invalidInteger(param, raw);
  return Number(raw);
}

export interface ListSource<T extends Listed> {
  /** What to walk: the whole collection or one index value's sub-collection. */
  collection: Collection<T>;
  /** Where a cursor id sits; from the resource's whole collection, so any id of its kind works. */
  keyOf(id: string): OrderKey | undefined;
  /** Stripe's object name in "No such …" messages. */
  objectName: string;
  where?: (item: T) => boolean;
}

export interface ListObject<O> {
  object: 'list';
  data: O[];
  has_more: boolean;
  url: string;
}

export function listPage<T extends Listed, O>(
  url: string,
  query: ListQuery,
  source: ListSource<T>,
  render: (item: T) => O,
): ListObject<O> {
  const cursor = (param: 'starting_after' | 'ending_before', id: string | undefined): OrderKey | undefined => {
    if (id === undefined) return undefined;
    const key = source.keyOf(id);
    if (key === undefined) throw resourceMissing(source.objectName, id, param);
    return key;
  };
  const range = query.created;
  if (range !== undefined && Object.values(range).some((v) => !Number.isSafeInteger(v))) {
    throw invalidValue('created', 'Invalid timestamp');
  }
  const page = source.collection.page({
    limit: query.limit,
    created: range,
    startingAfter: cursor('starting_after', query.startingAfter),
    endingBefore: cursor('ending_before', query.endingBefore),
    where: source.where,
  });
  return { object: 'list', data: page.data.map(render), has_more: page.hasMore, url };
}
