// The paths of the Power Automate routes, in one place: the route registration and the exported
// definition both build them here, so the definition cannot name a route the server lacks.
import type { SubscriptionMode } from '../store/schema.js';

/** GET: a polling trigger (the first call, and every Location after it). */
export function pollPath(connectionId: string, trigger: string): string {
  return `/api/power-automate/connections/${connectionId}/poll/${trigger}`;
}

/** POST: an instant trigger's subscription. */
export function hookPath(connectionId: string, trigger: string): string {
  return `/api/power-automate/connections/${connectionId}/hooks/${trigger}`;
}

export const EXPORT_PATH = '/api/power-automate/export';

export const HOOK_MODES: readonly SubscriptionMode[] = ['hybrid', 'webhook', 'poll'];
/** hybrid: instant like webhook mode, and a reconciling poll delivers what a lost webhook would have. */
export const DEFAULT_HOOK_MODE: SubscriptionMode = 'hybrid';
