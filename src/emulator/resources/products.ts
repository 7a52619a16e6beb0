// Products: create (with a caller-chosen id), retrieve, update, delete, list (`active`,
// `shippable`, `type`, `url`, `ids[]` filters; booleans parsed as booleans).
import type Stripe from 'stripe';
import { defineStore } from '../account.js';
import type { RequestContext, ResourceModule } from '../context.js';
import { newId } from '../ids.js';
import { Collection, type Listed } from '../list/collection.js';
import { listPage, readListQuery } from '../list/list-request.js';
import { invalidValue, resourceAlreadyExists, resourceMissing } from '../wire/errors.js';
import { applyMetadata, type Params } from '../wire/params.js';

export interface ProductRecord extends Listed {
  readonly active: boolean;
  readonly description: string | null;
  readonly images: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly name: string;
  readonly shippable: boolean | null;
  readonly statementDescriptor: string | null;
  readonly type: Stripe.Product.Type;
  readonly unitLabel: string | null;
  readonly updated: number;
  readonly url: string | null;
}

/** `active` is an index: the connector's triggers list active products. */
export const productStore = defineStore(
  'products',
  () => new Collection<ProductRecord>({ active: (p) => String(p.active) }),
);

export function renderProduct(p: ProductRecord): Stripe.Product {
  return {
    id: p.id,
    object: 'product',
    active: p.active,
    created: p.created,
    default_price: null,
    description: p.description,
    images: [...p.images],
    livemode: false,
    marketing_features: [],
    metadata: { ...p.metadata },
    name: p.name,
    package_dimensions: null,
    shippable: p.shippable,
    statement_descriptor: p.statementDescriptor,
    tax_code: null,
    tax_details: null,
    type: p.type,
    unit_label: p.unitLabel,
    updated: p.updated,
    url: p.url,
  };
}

/** Stripe allows at most 8 product images. */
const MAX_IMAGES = 8;
/** Stripe's limit for image and product URLs. */
const URL_MAX_CHARS = 2048;
/** Statement descriptors: at most 22 characters in Stripe. */
const STATEMENT_DESCRIPTOR_MAX_CHARS = 22;

function checkUrl(param: string, value: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw invalidValue(param, 'Not a valid URL', 'url_invalid');
  }
}

function readImages(p: Params): string[] | null | undefined {
  const images = p.stringArray('images', { maxItems: MAX_IMAGES });
  images?.forEach((image, i) => {
    if (image.length > URL_MAX_CHARS) throw invalidValue(`images[${i}]`, `Invalid URL: must be at most ${URL_MAX_CHARS} characters`);
    checkUrl(`images[${i}]`, image);
  });
  return images;
}

function readUrl(p: Params): string | null | undefined {
  const url = p.emptyableString('url', { maxChars: URL_MAX_CHARS });
  if (url) checkUrl('url', url);
  return url;
}

function create(ctx: RequestContext): Stripe.Product {
  const p = ctx.params;
  const name = p.requiredNonEmpty('name');
  const id = p.nonEmptyString('id');
  const active = p.boolean('active') ?? true;
  const description = p.string('description', { maxChars: 40000 }) || null;
  const images = readImages(p) ?? [];
  const metadata = p.metadata();
  const shippable = p.boolean('shippable');
  const statementDescriptor = p.string('statement_descriptor', { maxChars: STATEMENT_DESCRIPTOR_MAX_CHARS }) || null;
  const type = p.oneOf('type', ['good', 'service'] as const) ?? 'service';
  const unitLabel = p.string('unit_label', { maxChars: 12 }) || null;
  const url = readUrl(p) ?? null;
  p.finish();
  const store = ctx.account.store(productStore);
  if (id !== undefined && store.keyOf(id) !== undefined) throw resourceAlreadyExists('Product');
  const product: ProductRecord = {
    id: id ?? newId('prod'),
    created: ctx.now,
    seq: ctx.account.nextSeq(),
    active,
    description,
    images,
    metadata: applyMetadata({}, metadata),
    name,
    shippable: shippable ?? null,
    statementDescriptor,
    type,
    unitLabel,
    updated: ctx.now,
    url,
  };
  store.insert(product);
  ctx.emit('product.created', product, renderProduct);
  return renderProduct(product);
}

function found(ctx: RequestContext): ProductRecord {
  const product = ctx.account.store(productStore).get(ctx.path.id!);
  if (product === undefined) throw resourceMissing('product', ctx.path.id!);
  return product;
}

function retrieve(ctx: RequestContext): Stripe.Product {
  ctx.params.finish();
  return renderProduct(found(ctx));
}

function update(ctx: RequestContext): Stripe.Product {
  const p = ctx.params;
  const name = p.nonEmptyString('name');
  const active = p.boolean('active');
  const description = p.emptyableString('description', { maxChars: 40000 });
  const images = readImages(p);
  const metadata = p.metadata();
  const shippable = p.boolean('shippable');
  const statementDescriptor = p.nonEmptyString('statement_descriptor');
  const unitLabel = p.emptyableString('unit_label', { maxChars: 12 });
  const url = readUrl(p);
  p.finish();
  if (statementDescriptor !== undefined && statementDescriptor.length > STATEMENT_DESCRIPTOR_MAX_CHARS) {
    throw invalidValue('statement_descriptor', `Invalid statement_descriptor: must be at most ${STATEMENT_DESCRIPTOR_MAX_CHARS} characters`);
  }
  const before = found(ctx);
  const after: ProductRecord = {
    ...before,
    active: active ?? before.active,
    description: description === undefined ? before.description : description,
    images: images === undefined ? before.images : (images ?? []),
    metadata: applyMetadata(before.metadata, metadata),
    name: name ?? before.name,
    shippable: shippable ?? before.shippable,
    statementDescriptor: statementDescriptor ?? before.statementDescriptor,
    unitLabel: unitLabel === undefined ? before.unitLabel : unitLabel,
    updated: ctx.now,
    url: url === undefined ? before.url : url,
  };
  ctx.account.store(productStore).replace(after);
  ctx.emit('product.updated', after, renderProduct, before);
  return renderProduct(after);
}

function remove(ctx: RequestContext): Stripe.DeletedProduct {
  ctx.params.finish();
  const product = found(ctx);
  ctx.account.store(productStore).remove(product.id);
  ctx.emit('product.deleted', product, renderProduct);
  return { id: product.id, object: 'product', deleted: true };
}

function list(ctx: RequestContext): object {
  const p = ctx.params;
  const query = readListQuery(p);
  const active = p.boolean('active');
  const shippable = p.boolean('shippable');
  const type = p.oneOf('type', ['good', 'service'] as const);
  const url = p.string('url');
  const ids = p.stringArray('ids');
  p.finish();
  const store = ctx.account.store(productStore);
  const collection = active === undefined ? store : store.indexed('active', String(active));
  const idSet = ids ? new Set(ids) : undefined;
  const tests: ((r: ProductRecord) => boolean)[] = [];
  if (shippable !== undefined) tests.push((r) => r.shippable === shippable);
  if (type !== undefined) tests.push((r) => r.type === type);
  if (url !== undefined) tests.push((r) => r.url === url);
  if (idSet !== undefined) tests.push((r) => idSet.has(r.id));
  const where = tests.length === 0 ? undefined : (r: ProductRecord) => tests.every((t) => t(r));
  return listPage('/v1/products', query, { collection, keyOf: (id) => store.keyOf(id), objectName: 'product', where }, renderProduct);
}

export const products: ResourceModule = {
  routes: [
    { method: 'POST', path: '/v1/products', permission: 'product', handler: create },
    { method: 'GET', path: '/v1/products', permission: 'product', handler: list },
    { method: 'GET', path: '/v1/products/:id', permission: 'product', handler: retrieve },
    { method: 'POST', path: '/v1/products/:id', permission: 'product', handler: update },
    { method: 'DELETE', path: '/v1/products/:id', permission: 'product', handler: remove },
  ],
  expanders: [
    {
      prefix: 'prod_',
      fields: ['product'],
      retrieve: (account, id) => {
        const product = account.store(productStore).get(id);
        return product === undefined ? undefined : renderProduct(product);
      },
    },
  ],
};
