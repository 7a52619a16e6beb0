// `stripe-connector subscriptions list|create|pause|resume|delete`, through the running server
// (GET /api/subscriptions, POST /api/connections/{id}/subscriptions, POST /api/subscriptions/{id}/
// pause|resume, DELETE /api/subscriptions/{id}). A table or one object per field by default;
// --json prints the API's answer as it is.
import { Option, type Command } from 'commander';
import { apiClient, printJson } from '../api-client.js';
import { pageLimit, queryString, wholeNumber } from '../option-values.js';
import { printPage, type Page } from '../page-output.js';
import { formatRecord, type Column } from '../table.js';

interface SubscriptionView {
  id: string;
  trigger: string;
  connection: string;
  url: string;
  mode: string;
  pollIntervalSeconds: number;
  since: string;
  status: string;
  createdAt: string;
  /** Only in the answer that created it. */
  secret?: string;
}

const columns: Column<SubscriptionView>[] = [
  { header: 'ID', value: (s) => s.id },
  { header: 'TRIGGER', value: (s) => s.trigger },
  { header: 'CONNECTION', value: (s) => s.connection },
  { header: 'MODE', value: (s) => s.mode },
  { header: 'EVERY', value: (s) => `${s.pollIntervalSeconds}s` },
  { header: 'STATUS', value: (s) => s.status },
  { header: 'CREATED', value: (s) => s.createdAt },
  { header: 'URL', value: (s) => s.url },
];

function printSubscription(subscription: SubscriptionView, json = false): void {
  if (json) {
    printJson(subscription);
    return;
  }
  console.log(
    formatRecord([
      ['id', subscription.id],
      ['trigger', subscription.trigger],
      ['connection', subscription.connection],
      ['url', subscription.url],
      ['mode', subscription.mode],
      ['pollIntervalSeconds', subscription.pollIntervalSeconds],
      ['since', subscription.since],
      ['status', subscription.status],
      ['createdAt', subscription.createdAt],
      ...(subscription.secret === undefined ? [] : [['secret', subscription.secret] as const]),
    ]),
  );
}

const path = (id: string) => `/api/subscriptions/${encodeURIComponent(id)}`;

interface ListOptions {
  limit?: string;
  startingAfter?: string;
  json?: boolean;
}

interface CreateOptions {
  connection: string;
  url: string;
  mode?: string;
  pollInterval?: string;
  since?: string;
  json?: boolean;
}

export function registerSubscriptionsCommand(program: Command): void {
  const subscriptions = program.command('subscriptions').description('manage trigger subscriptions on a running server');

  subscriptions
    .command('list')
    .description('list your subscriptions, newest first, one page at a time')
    .option('--limit <n>', 'subscriptions per page, 1 to 1000 (default: the server\'s, 100)')
    .option('--starting-after <id>', 'the page after this subscription (the last id of the previous page)')
    .option('--json', 'print the API\'s JSON answer ({data, hasMore})')
    .addHelpText('after', '\nExample:\n  $ stripe-connector subscriptions list --limit 20\n  $ stripe-connector subscriptions list --json | jq -r \'.data[].id\'')
    .action(async (options: ListOptions) => {
      const query = queryString({ limit: pageLimit(options.limit), startingAfter: options.startingAfter });
      const page = (await apiClient()('GET', `/api/subscriptions${query}`)) as Page<SubscriptionView>;
      printPage(page, { json: options.json, columns, emptyText: 'No subscriptions.' });
    });

  subscriptions
    .command('create')
    .description('subscribe a URL to a trigger; the answer carries the whsec_ secret that signs each event, shown this once')
    .argument('<trigger>', 'chargeAdded, customerAdded, invoiceItemAdded or orderAdded')
    .requiredOption('--connection <id>', 'the connection whose Stripe account is watched')
    .requiredOption('--url <url>', 'where each event is POSTed')
    .addOption(new Option('--mode <mode>', 'how new objects are noticed (default: poll)').choices(['poll', 'webhook', 'hybrid']))
    .option('--poll-interval <seconds>', 'seconds between polls, 1 to 86400 (default: 120)')
    .option('--since <iso8601>', 'also deliver objects created since then (default: from now on)')
    .option('--json', 'print the API\'s JSON answer')
    .addHelpText(
      'after',
      '\nExample:\n  $ stripe-connector subscriptions create chargeAdded --connection conn_… --url https://hooks.example.com/stripe --poll-interval 30',
    )
    .action(async (trigger: string, options: CreateOptions) => {
      const body = {
        trigger,
        url: options.url,
        ...(options.mode === undefined ? {} : { mode: options.mode }),
        ...(options.pollInterval === undefined ? {} : { pollIntervalSeconds: wholeNumber(options.pollInterval, '--poll-interval', 1, 86_400) }),
        ...(options.since === undefined ? {} : { since: options.since }),
      };
      const created = (await apiClient()('POST', `/api/connections/${encodeURIComponent(options.connection)}/subscriptions`, body)) as SubscriptionView;
      printSubscription(created, options.json);
      if (!options.json) process.stderr.write('The secret verifies the webhook-signature of each event; it is shown this once: store it now.\n');
    });

  for (const [name, description] of [
    ['pause', 'pause a subscription: nothing new is delivered until it is resumed'],
    ['resume', 'resume a paused subscription'],
  ] as const) {
    subscriptions
      .command(name)
      .description(description)
      .argument('<id>', 'subscription id (sub_…)')
      .option('--json', 'print the API\'s JSON answer')
      .addHelpText('after', `\nExample:\n  $ stripe-connector subscriptions ${name} sub_…`)
      .action(async (id: string, options: { json?: boolean }) => {
        printSubscription((await apiClient()('POST', `${path(id)}/${name}`)) as SubscriptionView, options.json);
      });
  }

  subscriptions
    .command('delete')
    .description('delete a subscription, with its deliveries and their history')
    .argument('<id>', 'subscription id (sub_…)')
    .option('--json', 'print the API\'s JSON answer')
    .addHelpText('after', '\nExample:\n  $ stripe-connector subscriptions delete sub_…')
    .action(async (id: string, options: { json?: boolean }) => {
      const deleted = (await apiClient()('DELETE', path(id))) as { id: string };
      if (options.json) printJson(deleted);
      else console.log(`Deleted subscription ${deleted.id}.`);
    });
}
