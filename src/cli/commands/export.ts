// `stripe-connector export power-automate --public-url URL --out DIR`: writes the custom connector
// (apiDefinition.swagger.json, apiProperties.json, icon.png, README.md) for the server at URL.
// Built locally from the same definitions the server runs, so it needs no running server and no
// token: GET /api/power-automate/export answers the same files, zipped.
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from '../api-client.js';

export function registerExportCommand(program: Command): void {
  const exported = program.command('export').description('export the connector for another platform');
  exported
    .command('power-automate')
    .description('write a Power Automate / Logic Apps custom connector whose actions and triggers this server serves (see docs/power-automate.md)')
    .requiredOption('--public-url <url>', 'where Power Automate reaches this server (https://…), as PUBLIC_URL')
    .requiredOption('--out <dir>', 'directory to write the files to (created if missing; these four files are replaced)')
    .addHelpText('after', '\nExample:\n  $ stripe-connector export power-automate --public-url https://stripe-connector.example.com --out ./connector')
    .action(async (options: { publicUrl: string; out: string }) => {
      // Loaded here, not at the top: the definitions pull in the Stripe SDK, slow for every other subcommand.
      const { buildPowerAutomateExport } = await import('../../power-automate/export-bundle.js');
      const { ConnectorError } = await import('../../errors.js');
      let files;
      try {
        files = buildPowerAutomateExport(options.publicUrl, '--public-url');
      } catch (error) {
        if (error instanceof ConnectorError) throw new CliError(error.message);
        throw error;
      }
      const dir = resolve(options.out);
      mkdirSync(dir, { recursive: true });
      for (const file of files) writeFileSync(join(dir, file.name), file.content);
      for (const file of files) console.log(join(dir, file.name));
      console.error(`Import them as README.md in ${dir} says (the portal, or paconn create).`);
    });
}
