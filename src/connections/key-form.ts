// What a Stripe API key's text tells before any call: its kind and mode. Stripe's secret keys
// start sk_, restricted keys rk_, publishable keys pk_; then test_ or live_.
import { invalidInput } from '../errors.js';

export interface KeyForm {
  kind: 'secret' | 'restricted';
  mode: 'test' | 'live';
}

// Stripe keys are [A-Za-z0-9] after the prefix; 8 is well below any real key's length (99+ today)
// and keeps obvious typos out; 500 bounds what we encrypt and store.
const KEY_PATTERN = /^(sk|rk|pk)_(test|live)_([A-Za-z0-9_]{8,500})$/;

export function checkKeyForm(apiKey: string): KeyForm {
  const match = KEY_PATTERN.exec(apiKey);
  if (!match) {
    throw invalidInput([
      { field: 'apiKey', message: 'must be a Stripe secret key (sk_test_…/sk_live_…) or restricted key (rk_test_…/rk_live_…)' },
    ]);
  }
  if (match[1] === 'pk') {
    throw invalidInput([
      {
        field: 'apiKey',
        message: 'is a publishable key (pk_…), which cannot call the API the connector needs; use a secret key (sk_…) or a restricted key (rk_…)',
      },
    ]);
  }
  return { kind: match[1] === 'rk' ? 'restricted' : 'secret', mode: match[2] as KeyForm['mode'] };
}

/** "sk_test_…abcd": the prefix and last four characters, as Stripe's dashboard shows keys. */
export function keyHint(apiKey: string): string {
  const prefix = /^[a-z]{2}_(test|live)_/.exec(apiKey)?.[0] ?? '';
  return `${prefix}…${apiKey.slice(-4)}`;
}
