// Finds the route for a method and path. Paths are split into segments once at start-up; a
// request compares against the few routes with its method and segment count.
import type { Route } from './context.js';

interface Compiled<R> {
  route: R;
  segments: string[];
}

export interface Match<R> {
  route: R;
  path: Record<string, string>;
}

export class Router<R extends Pick<Route, 'method' | 'path'>> {
  private readonly table = new Map<string, Compiled<R>[]>();

  constructor(routes: R[]) {
    for (const route of routes) this.add(route);
  }

  add(route: R): void {
    const segments = route.path.split('/').slice(1);
    const slot = `${route.method} ${segments.length}`;
    const list = this.table.get(slot) ?? [];
    // Literal segments win over parameters (/v1/customers/search before /v1/customers/:id).
    list.push({ route, segments });
    list.sort((a, b) => paramCount(a.segments) - paramCount(b.segments));
    this.table.set(slot, list);
  }

  /** undefined when no route has this path (Stripe's "Unrecognized request URL"). */
  match(method: string, pathname: string): Match<R> | undefined {
    const parts = pathname.split('/').slice(1);
    const candidates = this.table.get(`${method} ${parts.length}`);
    if (candidates === undefined) return undefined;
    outer: for (const { route, segments } of candidates) {
      const path: Record<string, string> = {};
      for (let i = 0; i < segments.length; i++) {
        const want = segments[i]!;
        const got = parts[i]!;
        if (want.startsWith(':')) {
          if (got === '') continue outer;
          try {
            path[want.slice(1)] = decodeURIComponent(got);
          } catch {
            continue outer;
          }
        } else if (want !== got) {
          continue outer;
        }
      }
      return { route, path };
    }
    return undefined;
  }
}

function paramCount(segments: string[]): number {
  return segments.filter((s) => s.startsWith(':')).length;
}
