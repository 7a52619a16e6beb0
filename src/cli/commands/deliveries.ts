// `stripe-connector deliveries list SUBSCRIPTION|retry DELIVERY`, through the running server
// (GET /api/subscriptions/{id}/deliveries, POST /api/deliveries/{id}/retry). A table or one
// object per field by default; --json prints the API's answer as it is.
import { Option, type Command } from 'commander';
import { apiClient, printJson } from '../api-client.js';
import { pageLimit, queryString } from '../option-values.js';
import { printPage, type Page } from '../page-output.js';
import { formatRecord, type Column } from '../table.js';

interface DeliveryView {
  id: string;
  subscription: string;
  event: string;
  stripeObjectId: string;
  objectCreated: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  firstAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

const columns: Column<DeliveryView>[] = [
  { header: 'ID', value: (d) => d.id },
  { header: 'STATUS', value: (d) => d.status },
  { header: 'ATTEMPTS', value: (d) => d.attempts },
  { header: 'OBJECT', value: (d) => d.stripeObjectId },
  { header: 'CREATED', value: (d) => d.createdAt },
  { header: 'LAST HTTP', value: (d) => d.lastStatusCode },
  { header: 'NEXT ATTEMPT', value: (d) => d.nextAttemptAt },
  { header: 'LAST ERROR', value: (d) => d.lastError },
];

interface ListOptions {
  status?: string;
  limit?: string;
  startingAfter?: string;
  json?: boolean;
}

export function registerDeliveriesCommand(program: Command): void {
  const deliveries = program.command('deliveries').description('delivery history of a subscription, and replay');

  deliveries
    .command('list')
    .description('list the deliveries of one of your subscriptions, newest first, one page at a time')
    .argument('<subscription>', 'subscription id (sub_…)')
    .addOption(new Option('--status <status>', 'only deliveries in this state').choices(['pending', 'delivered', 'failed']))
    .option('--limit <n>', 'deliveries per page, 1 to 1000 (default: the server\'s, 100)')
    .option('--starting-after <id>', 'the page after this delivery (the last id of the previous page)')
    .option('--json', 'print the API\'s JSON answer ({data, hasMore}, each delivery with its attemptsHistory)')
    .addHelpText('after', '\nExample:\n  $ stripe-connector deliveries list sub_… --status failed --limit 50')
    .action(async (subscription: string, options: ListOptions) => {
      const query = queryString({ status: options.status, limit: pageLimit(options.limit), startingAfter: options.startingAfter });
      const page = (await apiClient()('GET', `/api/subscriptions/${encodeURIComponent(subscription)}/deliveries${query}`)) as Page<DeliveryView>;
      printPage(page, { json: options.json, columns, emptyText: 'No deliveries.' });
    });

  deliveries
    .command('retry')
    .description('deliver again now: same id (the webhook-id), a fresh 24 h retry window')
    .argument('<delivery>', 'delivery id, from deliveries list')
    .option('--json', 'print the API\'s JSON answer')
    .addHelpText('after', '\nExample:\n  $ stripe-connector deliveries retry dlv_…')
    .action(async (id: string, options: { json?: boolean }) => {
      const delivery = (await apiClient()('POST', `/api/deliveries/${encodeURIComponent(id)}/retry`)) as DeliveryView;
      if (options.json) {
        printJson(delivery);
        return;
      }
      console.log(
        formatRecord([
          ['id', delivery.id],
          ['subscription', delivery.subscription],
          ['stripeObjectId', delivery.stripeObjectId],
          ['status', delivery.status],
          ['attempts', delivery.attempts],
          ['nextAttemptAt', delivery.nextAttemptAt],
          ['lastStatusCode', delivery.lastStatusCode],
          ['lastError', delivery.lastError],
        ]),
      );
    });
}
