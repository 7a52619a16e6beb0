// Where the console is: the URL fragment, `#/screen/id?filters`, so every view (a filtered list
// included) can be bookmarked, reloaded and shared, and the server needs no route per screen.
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** ['deliveries'] or ['deliveries', 'dlv_…']; ['overview'] when empty. */
  path: string[];
  query: URLSearchParams;
}

export function currentRoute(): Route {
  const fragment = window.location.hash.replace(/^#\/?/, '');
  const [pathPart = '', queryPart = ''] = fragment.split('?', 2);
  const path = pathPart.split('/').filter((part) => part !== '').map(decodeURIComponent);
  return { path: path.length === 0 ? ['overview'] : path, query: new URLSearchParams(queryPart) };
}

export function href(path: string, params: Record<string, string | undefined | null> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, value);
  const text = search.toString();
  return `#/${path}${text === '' ? '' : `?${text}`}`;
}

export function navigate(path: string, params: Record<string, string | undefined | null> = {}): void {
  window.location.hash = href(path, params);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
