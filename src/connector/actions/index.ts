// Every action the connector offers, in the order GET /api/operations lists them.
import type { ActionDefinition } from '../define.js';

export const actions: ActionDefinition[] = [];

export function findAction(name: string): ActionDefinition | undefined {
  return actions.find((action) => action.name === name);
}
