// The address Power Automate calls the server at (the --public-url of the export, PUBLIC_URL for
// the route): the swagger's host, basePath and scheme come from it, so it must be a plain origin
// with an optional path prefix (a reverse proxy's), nothing a connector definition cannot say.
import { invalidInput } from '../errors.js';

export interface PublicAddress {
  /** "https:" or "http:". */
  scheme: 'https' | 'http';
  /** host[:port] */
  host: string;
  /** "/" or "/prefix", no trailing slash. */
  basePath: string;
  /** The normalised URL, no trailing slash: what Location headers start with. */
  origin: string;
}

export function parsePublicUrl(raw: string, field = 'publicUrl'): PublicAddress {
  const refuse = (message: string) => invalidInput([{ field, message }]);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('must be an absolute https:// (or http://) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('must be an absolute https:// (or http://) URL');
  if (url.username !== '' || url.password !== '') throw refuse('must not carry a user name or password');
  if (url.search !== '' || url.hash !== '') throw refuse('must not carry a query string or fragment');
  const basePath = url.pathname.replace(/\/+$/, '') || '/';
  return {
    scheme: url.protocol === 'https:' ? 'https' : 'http',
    host: url.host,
    basePath,
    origin: `${url.protocol}//${url.host}${basePath === '/' ? '' : basePath}`,
  };
}
