// `--help` of every command ends with an example: the program itself (buildProgram), each leaf
// command's help as commander writes it, and one real process for the exit status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { emulatorCommand } from '../../src/cli/commands/emulator.js';
import { runCli } from '../support/cli-process.js';

function leaves(command: Command, path: string[] = []): { path: string; command: Command }[] {
  if (command.commands.length === 0) return [{ path: path.join(' '), command }];
  return command.commands.flatMap((sub) => leaves(sub, [...path, sub.name()]));
}

function helpText(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (chunk) => (text += chunk), writeErr: (chunk) => (text += chunk) });
  command.outputHelp();
  return text;
}

test('every command\'s --help shows an example of it', () => {
  const commands = leaves(buildProgram());
  const paths = commands.map((c) => c.path);
  for (const expected of [
    'serve', 'emulator', 'token create', 'token list', 'token revoke', 'keys rotate', 'connections add', 'connections list', 'connections remove',
    'run', 'operations', 'watch', 'subscriptions list', 'subscriptions create', 'subscriptions pause', 'subscriptions resume', 'subscriptions delete',
    'deliveries list', 'deliveries retry', 'runs list', 'export power-automate',
  ]) {
    assert.ok(paths.includes(expected), `${expected} is a command`);
  }
  for (const { path, command } of commands) {
    // The emulator's own options and help live in its module (loaded only when it runs).
    const text = path === 'emulator' ? helpText(emulatorCommand()) : helpText(command);
    const invocation = path === 'emulator' ? 'emulator' : path;
    assert.match(text, new RegExp(`Examples?[^\\n]*:\\n(  \\$ [^\\n]*\\n)*  \\$ [^\\n]*stripe-connector ${invocation}\\b`), `${path}:\n${text}`);
  }
});

test('the program\'s help states the exit statuses; `subscriptions create --help` exits 0 with its example', async () => {
  assert.match(helpText(buildProgram()), /Exit status: 0 done .*; 1 refused by the\s+server, server unreachable, or bad arguments/s);
  const result = await runCli(['subscriptions', 'create', '--help']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /\$ stripe-connector subscriptions create chargeAdded --connection conn_… --url https:\/\/hooks\.example\.com\/stripe/);
});
