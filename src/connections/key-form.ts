// What a Stripe API key's text tells before any call: its kind and mode. Stripe's secret keys
// start sk_, restricted keys rk_, publishable keys pk_; then test_ or live_.
import { invalidInput } from '../errors.js';

export interface KeyForm {
  kind: 'secret' | 'restricted';
  mode: 'test' | 'live';
}

// Stripe keys are [A-Za-z0-9] after the prefix; 8 is well below any real key's length (99+ today)
// and keeps obvious typos out; 500 bounds what we encrypt and store.
const PREFIX = /^(sk|rk)_(test|live)_/;
const MIN_BODY_LENGTH = 8;
const MAX_BODY_LENGTH = 500;
const BODY_CHARACTERS = /^[A-Za-z0-9_]*$/;

function refused(message: string): never {
  throw invalidInput([{ field: 'apiKey', message }]);
}

/**
 * The key's kind and mode, or a 400 saying which rule the key breaks: the prefix, the publishable
 * kind, the characters or the length after the prefix. The message never repeats the key.
 */
export function checkKeyForm(apiKey: string): KeyForm {
  // Any pk_ key, even of an unknown mode: the kind is what the user needs to hear about.
  if (apiKey.startsWith('pk_')) {
    refused('is a publishable key (pk_…), which cannot call the API the connector needs; use a secret key (sk_…) or a restricted key (rk_…)');
  }
  const match = PREFIX.exec(apiKey);
  if (!match) {
    refused('must be a Stripe secret key (starting sk_test_ or sk_live_) or restricted key (starting rk_test_ or rk_live_)');
  }
  const [prefix, kind, mode] = match as unknown as [string, 'sk' | 'rk', KeyForm['mode']];
  const body = apiKey.slice(prefix.length);
  if (!BODY_CHARACTERS.test(body)) refused(`may hold only letters, digits and underscores after ${prefix}`);
  if (body.length < MIN_BODY_LENGTH) refused(`is too short: a Stripe key has at least ${MIN_BODY_LENGTH} characters after ${prefix}`);
  if (body.length > MAX_BODY_LENGTH) refused(`is too long: a Stripe key has at most ${MAX_BODY_LENGTH} characters after ${prefix}`);
  return { kind: kind === 'rk' ? 'restricted' : 'secret', mode };
}

/** "sk_test_…abcd": the prefix and last four characters, as Stripe's dashboard shows keys. */
export function keyHint(apiKey: string): string {
  const prefix = /^[a-z]{2}_(test|live)_/.exec(apiKey)?.[0] ?? '';
  return `${prefix}…${apiKey.slice(-4)}`;
}
