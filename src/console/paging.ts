// Keyset paging kept in the URL: `startingAfter` names the page; the trail of the pages before it
// lets "← Newer" go back one page (the API pages one way only, newest first).
import { navigate, type Route } from './route.js';

const trails = new Map<string, (string | null)[]>();

export function turnPage(screen: string, route: Route, startingAfter: string | null): void {
  const params = Object.fromEntries(route.query);
  const trail = trails.get(screen) ?? [];
  let next: string | null;
  if (startingAfter === null) {
    next = trail.pop() ?? null;
  } else {
    trail.push(params.startingAfter ?? null);
    next = startingAfter;
  }
  trails.set(screen, trail);
  navigate(screen, { ...params, startingAfter: next });
}

/** Filters changed: back to the newest page, with no trail. */
export function filterTo(screen: string, params: Record<string, string | undefined>): void {
  trails.delete(screen);
  navigate(screen, { ...params, startingAfter: undefined });
}
