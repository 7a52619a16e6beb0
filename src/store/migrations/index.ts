// Every migration, in order. Names sort as numbers ("001_…", "002_…"): add the next one here.
import type { Migration } from 'kysely';
import * as core from './001_core.js';
import * as triggers from './002_triggers.js';
import * as webhooks from './003_webhooks.js';
import * as deliveryIndexes from './004_delivery_indexes.js';
import * as masterKeyCheck from './005_master_key_check.js';
import * as powerAutomate from './006_power_automate.js';
import * as deliveryAttemptNumbers from './007_delivery_attempt_numbers.js';
import * as sharedLimits from './008_shared_limits.js';
import * as leases from './009_leases.js';
import * as consoleReads from './010_console.js';
import * as limitWindowAdmission from './011_limit_window_admission.js';

export const migrations: Record<string, Migration> = {
  '001_core': core,
  '002_triggers': triggers,
  '003_webhooks': webhooks,
  '004_delivery_indexes': deliveryIndexes,
  '005_master_key_check': masterKeyCheck,
  '006_power_automate': powerAutomate,
  '007_delivery_attempt_numbers': deliveryAttemptNumbers,
  '008_shared_limits': sharedLimits,
  '009_leases': leases,
  '010_console': consoleReads,
  '011_limit_window_admission': limitWindowAdmission,
};
