// `stripe-connector token create|list|revoke`. list and revoke go through the running server, for
// the caller's own tokens. create makes a user: through the running server (POST /api/users) when
// STRIPE_CONNECTOR_TOKEN is set, else on the store directly (DATA_DIR / DATABASE_URL) — the way to
// make a first token without one — but only when no server answers at STRIPE_CONNECTOR_URL: the
// server's API is then the one way in, and an admin token is what it asks for.
// Tokens go to stdout, everything else to stderr, so `export T=$(stripe-connector token create …)` works.
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { checkUserName } from '../../users/user-name.js';
import { apiClient, CliError, printJson, serverAnswers, serverUrl } from '../api-client.js';

interface CreateOptions {
  name: string;
  admin: boolean;
}

async function createThroughServer(name: string, admin: boolean): Promise<void> {
  const created = (await apiClient()('POST', '/api/users', { name, ...(admin ? { admin: true } : {}) })) as { id: string; name: string; token: string };
  console.log(created.token);
  console.error(`Created user ${created.id} (${created.name}) through the server at ${serverUrl()}. The token above is shown once; store it now.`);
}

async function createOnStore(name: string, admin: boolean): Promise<void> {
  const url = serverUrl();
  if (await serverAnswers(url)) {
    throw new CliError(
      `A server answers at ${url}: create the user through it by setting STRIPE_CONNECTOR_TOKEN to an admin token (the first start printed one). Without a token, token create writes to the store only while no server is running.`,
    );
  }
  // Loaded here, not at the top: the store's dependencies would slow every other subcommand.
  const { openStoreAt, describeStore } = await import('../../app/services.js');
  const { createUserWithToken } = await import('../../users/tokens.js');
  const config = loadConfig();
  const db = await openStoreAt(config);
  try {
    const created = await createUserWithToken(db, { name, isAdmin: admin });
    console.log(created.token);
    console.error(
      `Created user ${created.userId} (${name}${admin ? ', admin' : ''}) in ${describeStore(config)}. The token above is shown once; store it now.`,
    );
  } finally {
    await db.destroy();
  }
}

export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('manage users and API tokens');
  token
    .command('create')
    .description(
      'create a user and print its API token (shown once): through the running server with an admin STRIPE_CONNECTOR_TOKEN, or without one on the store directly while no server is running',
    )
    .requiredOption('--name <name>', 'the user name')
    .option('--admin', 'the new user is an admin (may create users)', false)
    .addHelpText(
      'after',
      '\nExamples:\n  $ stripe-connector token create --name me            # no server running: on the store (DATA_DIR)\n  $ STRIPE_CONNECTOR_TOKEN=$ADMIN stripe-connector token create --name ci   # through the server',
    )
    .action(async (options: CreateOptions) => {
      const name = checkUserName(options.name, '--name');
      if (process.env.STRIPE_CONNECTOR_TOKEN) await createThroughServer(name, options.admin);
      else await createOnStore(name, options.admin);
    });
  token
    .command('list')
    .description('list your API tokens (ids and dates; "current" marks the one in STRIPE_CONNECTOR_TOKEN)')
    .option('--json', 'print the API\'s JSON answer (this command\'s only output form; accepted for scripts that pass it everywhere)')
    .addHelpText('after', '\nExample:\n  $ stripe-connector token list')
    .action(async () => {
      printJson(await apiClient()('GET', '/api/tokens'));
    });
  token
    .command('revoke')
    .description('revoke one of your API tokens; it is refused from the next request on (the last admin token is kept)')
    .argument('<id>', 'token id (tok_…), from token list')
    .option('--json', 'print the API\'s JSON answer (this command\'s only output form; accepted for scripts that pass it everywhere)')
    .addHelpText('after', '\nExample:\n  $ stripe-connector token revoke tok_…')
    .action(async (id: string) => {
      printJson(await apiClient()('DELETE', `/api/tokens/${encodeURIComponent(id)}`));
    });
}
