// `stripe-connector token create --name N`: creates a user and prints its token once. Works on the
// store directly (DATA_DIR / DATABASE_URL), so it needs no running server and no existing token.
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';

export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .description('create a user and print its API token (shown once)')
    .requiredOption('--name <name>', 'the user name')
    .action(async (options: { name: string }) => {
      const name = options.name.trim();
      if (name === '' || name.length > 200) throw new Error('--name must be 1 to 200 characters');
      // Loaded here, not at the top: the store's dependencies would slow every other subcommand.
      const { openStoreAt } = await import('../../app/services.js');
      const { createUserWithToken } = await import('../../users/tokens.js');
      const db = await openStoreAt(loadConfig());
      try {
        const created = await createUserWithToken(db, { name });
        console.log(created.token);
        console.error(`Created user ${created.userId} (${name}). The token above is shown once; store it now.`);
      } finally {
        await db.destroy();
      }
    });
}
