// A user's name: the one rule for the HTTP route (POST /api/users) and `token create` on the store.
import { invalidInput } from '../errors.js';

/** Longest user name, in characters. */
export const USER_NAME_MAX_LENGTH = 200;

/** The name without surrounding spaces; a 400 naming `field` when nothing or too much is left. */
export function checkUserName(name: string, field = 'name'): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > USER_NAME_MAX_LENGTH) {
    throw invalidInput([{ field, message: `must be 1 to ${USER_NAME_MAX_LENGTH} characters, not only spaces` }]);
  }
  return trimmed;
}
