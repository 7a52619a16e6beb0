// Where a connection sends its key. https anywhere; plain http only to this machine (the emulator,
// a local mock), because an API key must never cross a network in clear text.
import { invalidInput } from '../errors.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function checkApiBase(value: string, field = 'apiBase'): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidInput([{ field, message: 'must be an absolute URL such as https://api.stripe.com' }]);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw invalidInput([{ field, message: 'must use https (plain http is allowed only for 127.0.0.1/localhost)' }]);
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw invalidInput([{ field, message: 'must be a bare origin such as https://api.stripe.com, without path, query or credentials' }]);
  }
  return url.origin;
}
