// `stripe-connector operations`: every action and trigger the server offers (GET /api/operations)
// with its inputs — an action's are its body (`run`), a trigger's the subscription's
// (`subscriptions create`). --json prints the API's answer, input and output JSON Schemas included.
import type { Command } from 'commander';
import { apiClient, printJson } from '../api-client.js';
import { printTable, type Column } from '../table.js';

interface InputSchema {
  properties?: Record<string, { const?: unknown }>;
  required?: string[];
}

interface OperationView {
  kind: 'action' | 'trigger';
  name: string;
  title: string;
  input: InputSchema;
}

/** The input fields, required ones marked `*`; a field fixed to one value (a trigger's `trigger`) is left out: there is nothing to give. */
function inputNames(schema: InputSchema): string {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {})
    .filter(([, property]) => property.const === undefined)
    .map(([name]) => (required.has(name) ? `${name}*` : name))
    .join(', ');
}

const columns: Column<OperationView>[] = [
  { header: 'KIND', value: (op) => op.kind },
  { header: 'NAME', value: (op) => op.name },
  { header: 'TITLE', value: (op) => op.title },
  { header: 'INPUTS (* required)', value: (op) => inputNames(op.input) },
];

export function registerOperationsCommand(program: Command): void {
  program
    .command('operations')
    .description('list every action and trigger with its inputs (an action\'s for run, a trigger\'s for subscriptions create)')
    .option('--json', "print the API's JSON answer, with each operation's input and output JSON Schema")
    .addHelpText('after', '\nExamples:\n  $ stripe-connector operations\n  $ stripe-connector operations --json | jq \'.data[] | select(.name == "createProduct") | .input\'')
    .action(async (options: { json?: boolean }) => {
      const catalogue = (await apiClient()('GET', '/api/operations')) as { data: OperationView[] };
      if (options.json) printJson(catalogue);
      else printTable(catalogue.data, columns, 'No operations.');
    });
}
