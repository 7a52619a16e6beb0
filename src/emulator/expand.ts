// `expand[]` for every route in one place: after a handler answers, each path (`customer`,
// `data.customer` in lists) names a field holding an id; the expander registered for that id's
// prefix replaces it with the object. A path that names nothing expandable is Stripe's 400.
import type { Account } from './account.js';
import type { Expander } from './context.js';
import { invalidValue } from './wire/errors.js';

/** Stripe allows at most four levels of expansion. */
const MAX_DEPTH = 4;

export class Expanders {
  private readonly byPrefix = new Map<string, Expander>();
  private readonly byField = new Map<string, Expander>();

  add(expander: Expander): void {
    if (expander.prefix !== '') this.byPrefix.set(expander.prefix, expander);
    for (const field of expander.fields) this.byField.set(field, expander);
  }

  apply(account: Account, body: object, paths: string[]): void {
    for (const path of paths) {
      const parts = path.split('.');
      if (parts.length > MAX_DEPTH) {
        throw invalidValue('expand', `You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`);
      }
      if (!this.walk(account, body, parts)) {
        throw invalidValue('expand', `This property cannot be expanded (${path}).`);
      }
    }
  }

  private walk(account: Account, node: unknown, parts: string[]): boolean {
    if (Array.isArray(node)) return node.every((item) => this.walk(account, item, parts));
    if (typeof node !== 'object' || node === null) return false;
    const holder = node as Record<string, unknown>;
    const [head, ...rest] = parts as [string, ...string[]];
    if (!(head in holder)) return false;
    let value = holder[head];
    if (typeof value === 'string') {
      const expander = this.byPrefix.get(value.slice(0, value.indexOf('_') + 1)) ?? this.byField.get(head);
      const expanded = expander?.retrieve(account, value);
      if (expanded === undefined) return false;
      holder[head] = value = expanded;
    }
    // A null expandable field (no customer) stays null, as Stripe leaves it; so does a null
    // object on the way to one (no discount, when expanding discount.source.coupon).
    if (value === null) return rest.length > 0 || this.byField.has(head);
    if (rest.length === 0) return typeof value === 'object';
    return this.walk(account, value, rest);
  }
}
