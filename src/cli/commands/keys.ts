// `stripe-connector keys rotate`: re-seals every secret in the store under a new master key, in one
// transaction (src/connections/key-rotation.ts). Works on the store directly (DATA_DIR /
// DATABASE_URL); every server using the store must be stopped first.
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { CliError, serverAnswers, serverUrl } from '../api-client.js';

interface RotateOptions {
  newKeyFile: string;
  oldKeyFile?: string;
  generate: boolean;
}

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('manage the master key that seals API keys and secrets');
  keys
    .command('rotate')
    .description('re-seal every stored secret under a new master key (stop every server first)')
    .requiredOption('--new-key-file <file>', 'the new key: 32 bytes, base64 (with --generate: created, mode 0600)')
    .option('--generate', 'generate the new key into --new-key-file (never overwrites a file)', false)
    .option('--old-key-file <file>', 'the old key (default: STRIPE_CONNECTOR_MASTER_KEY, else DATA_DIR/master.key)')
    .addHelpText('after', '\nExample (every server stopped):\n  $ stripe-connector keys rotate --generate --new-key-file /secure/place/master.key.new')
    .action(async (options: RotateOptions) => {
      // A server still running holds the old key and would seal new secrets under it; the check is
      // by address, as for `token create`: point STRIPE_CONNECTOR_URL at the server of this store.
      const url = serverUrl();
      if (await serverAnswers(url)) {
        throw new CliError(`A server answers at ${url}: stop every server that uses this store before rotating its master key (it holds the old key in memory).`);
      }
      const config = loadConfig();
      // Loaded here, not at the top: the store's dependencies would slow every other subcommand.
      const { openStoreAt } = await import('../../app/services.js');
      const { rotateMasterKey } = await import('../../connections/key-rotation.js');
      const db = await openStoreAt(config);
      try {
        const report = await rotateMasterKey({
          db,
          masterKey: config.masterKey,
          dataDir: config.dataDir,
          newKeyFile: options.newKeyFile,
          generate: options.generate,
          ...(options.oldKeyFile === undefined ? {} : { oldKeyFile: options.oldKeyFile }),
        });
        console.log(`Re-sealed under the new master key: ${report.counts.map((c) => `${c.label}: ${c.count}`).join(', ')}.`);
        console.error(`The new key is in ${report.newKeyFile}.`);
        if (report.replaced) {
          console.error(`${report.replaced.file} now holds the new key; the old one is kept in ${report.replaced.oldKeptIn}.`);
        } else {
          console.error(`Give every server on this store the new key: STRIPE_CONNECTOR_MASTER_KEY set to that file's content, or, with the variable unset, that file as ${config.dataDir}/master.key.`);
        }
        console.error('Start the servers with the new key now; the old key is refused from here on.');
      } finally {
        await db.destroy();
      }
    });
}
