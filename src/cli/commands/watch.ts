// `stripe-connector watch TRIGGER --connection ID [--since ISO8601]`: prints each event of a trigger
// as one JSON line on stdout until stopped. No route of its own: watch is an ordinary subscriber.
// It listens on a local port, subscribes that address through the running server's API, prints
// what arrives (src/cli/watch-receiver.ts verifies and dedupes it), and deletes the subscription
// when stopped (SIGINT, SIGTERM, stdout closed) or when it fails. Status lines go to stderr, so
// stdout carries events only and pipes into jq or a file.
import type { Command } from 'commander';
import { apiClient, CliError } from '../api-client.js';
import { wholeNumber } from '../option-values.js';
import { startWatchReceiver, type WatchReceiver } from '../watch-receiver.js';

/**
 * Default poll interval for watch: 10 s, not the subscriptions' 120 s — someone is looking at the
 * terminal. One list call per 10 s is 0.4% of Stripe's 25 requests/s test-mode limit. Subscriptions
 * to one trigger on one connection share a poll at the shortest interval among them, so while
 * watch runs the others are polled this often too.
 */
export const DEFAULT_WATCH_POLL_INTERVAL_SECONDS = 10;

interface WatchOptions {
  connection: string;
  since?: string;
  /** Default 'poll'. */
  mode: string;
  /** Default DEFAULT_WATCH_POLL_INTERVAL_SECONDS. */
  pollInterval: string;
  /** Default 127.0.0.1. */
  listenHost: string;
  /** Default 0: a free port. */
  listenPort: string;
  /** Default: the listener's own address, http://LISTEN_HOST:PORT. */
  publicUrl?: string;
}

interface CreatedSubscription {
  id: string;
  secret: string;
}

function status(line: string): void {
  process.stderr.write(`watch: ${line}\n`);
}

// The connector checks subscriber URLs on their resolved address (docs/triggers.md); a server
// without CALLBACK_ALLOW_PRIVATE refuses watch's loopback listener, and should say what to do.
function explainRefusal(error: unknown, callbackUrl: string): unknown {
  if (error instanceof CliError && /url: .*non-public address/.test(error.message)) {
    return new CliError(
      `The server refused the callback address ${callbackUrl}: it only calls public addresses. ` +
        'Start the server with CALLBACK_ALLOW_PRIVATE=true (`serve --demo` allows them already), ' +
        'or run watch where the server may reach it: --listen-host/--listen-port with --public-url.',
    );
  }
  return error;
}

async function watch(trigger: string, options: WatchOptions): Promise<number> {
  const pollIntervalSeconds = wholeNumber(options.pollInterval, '--poll-interval', 1, 86_400);
  const port = wholeNumber(options.listenPort, '--listen-port', 0, 65_535);
  if (options.publicUrl !== undefined && !/^https?:\/\/[^/]/.test(options.publicUrl)) {
    throw new CliError('--public-url must be an http:// or https:// URL');
  }
  const call = apiClient();
  let receiver: WatchReceiver;
  try {
    receiver = await startWatchReceiver({
      host: options.listenHost,
      port,
      onEvent: (event) => {
        process.stdout.write(`${JSON.stringify(event)}\n`);
      },
      onRefused: (reason) => status(`refused ${reason}`),
      onError: (error) => failed(error),
    });
  } catch (error) {
    throw new CliError(`Cannot listen on ${options.listenHost}:${port}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const callbackUrl = `${(options.publicUrl ?? receiver.url).replace(/\/+$/, '')}/events`;

  let creation: Promise<CreatedSubscription | undefined> = Promise.resolve(undefined);
  let stopping: Promise<number> | undefined;
  // Stopping waits for a creation in flight, so that a Ctrl-C during it still deletes what it made.
  const stop = (code: number, why?: string): Promise<number> => {
    stopping ??= (async () => {
      if (why) status(why);
      let exitCode = code;
      const created = await creation.catch(() => undefined);
      if (created) {
        try {
          await call('DELETE', `/api/subscriptions/${encodeURIComponent(created.id)}`);
          status(`subscription ${created.id} deleted`);
        } catch (error) {
          status(
            `could not delete subscription ${created.id} (${error instanceof Error ? error.message : String(error)}); ` +
              `delete it with DELETE /api/subscriptions/${created.id}`,
          );
          exitCode = 1;
        }
      }
      await receiver.close();
      return exitCode;
    })();
    return stopping;
  };
  let failed: (error: Error) => void = () => {};
  const done = new Promise<number>((resolve) => {
    failed = (error) => void stop(1, `the listener failed (${error.message}): stopping`).then(resolve);
    const onSignal = (signal: NodeJS.Signals) => void stop(0, `${signal} received: stopping`).then(resolve);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    // `watch … | head -1`: once the reader is gone, nothing is left to print to.
    process.stdout.once('error', () => void stop(0, 'stdout closed: stopping').then(resolve));
  });

  creation = call('POST', `/api/connections/${encodeURIComponent(options.connection)}/subscriptions`, {
    trigger,
    url: callbackUrl,
    mode: options.mode,
    pollIntervalSeconds,
    ...(options.since === undefined ? {} : { since: options.since }),
  }) as Promise<CreatedSubscription>;
  let created: CreatedSubscription | undefined;
  try {
    created = await creation;
  } catch (error) {
    await stop(1);
    throw explainRefusal(error, callbackUrl);
  }
  if (created && !stopping) {
    receiver.setSecret(created.secret);
    status(`${trigger} on ${options.connection}: subscription ${created.id}, events to ${callbackUrl}; stop with Ctrl-C`);
  }
  return done;
}

export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description('print each event of a trigger as one JSON line until stopped, e.g. watch customerAdded --connection conn_…')
    .argument('<trigger>', 'the trigger: chargeAdded, customerAdded, invoiceItemAdded or orderAdded')
    .requiredOption('--connection <id>', 'the connection to watch')
    .option('--since <iso8601>', 'also deliver objects created since then, e.g. 2026-11-26T05:00:00Z (default: from now on)')
    .option('--mode <mode>', 'poll, webhook or hybrid (webhook and hybrid need a PUBLIC_URL Stripe can reach)', 'poll')
    .option('--poll-interval <seconds>', 'seconds between polls, 1 to 86400', String(DEFAULT_WATCH_POLL_INTERVAL_SECONDS))
    .option('--listen-host <host>', 'address the local listener binds', '127.0.0.1')
    .option('--listen-port <port>', 'port of the local listener (0: a free one)', '0')
    .option('--public-url <url>', 'the address at which the server reaches the listener (default: http://LISTEN_HOST:PORT)')
    .addHelpText(
      'after',
      "\nExamples:\n  $ stripe-connector watch chargeAdded --connection conn_…\n  $ stripe-connector watch customerAdded --connection conn_… --since 2026-11-26T05:00:00Z | jq -r '.data.email'",
    )
    .action(async (trigger: string, options: WatchOptions) => {
      process.exitCode = await watch(trigger, options);
    });
}
