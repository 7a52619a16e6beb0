// Structured logs (pino, JSON lines). Anything that could carry a secret is redacted here, in one
// place: by path (REDACTED_PATHS), in every message text, and in every error logged under `err` or
// `error`, which is reduced to its type, code and message (loggableError) — no log line carries a
// stack trace, at any level. Code must still never put a key into a message on purpose.
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { redactSecrets, redactText } from './redact.js';

export const REDACTED_PATHS = [
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  'req.headers.authorization',
  'req.headers["stripe-signature"]',
  'headers.authorization',
  'headers["stripe-signature"]',
];

export interface LoggedError {
  type: string;
  code?: string | number;
  message: string;
  cause?: LoggedError;
}

/** A logged message is cut here: enough to read what failed, too short to carry a dumped body. */
const MAX_MESSAGE_CHARS = 500;
/** Causes followed at most, e.g. "no answer after 3 attempts" ← ECONNREFUSED. */
const MAX_CAUSE_DEPTH = 3;

/**
 * What a log line may say about an error: its type, code and message with secrets redacted, and
 * the same of its cause — never its stack (no stack trace in any response or log line) and never a
 * key that happened to be in its message. Applying it to its own result changes nothing.
 */
export function loggableError(error: unknown, depth = 0): LoggedError {
  const fields = (error !== null && typeof error === 'object' ? error : {}) as { type?: unknown; code?: unknown; message?: unknown; cause?: unknown };
  const type = error instanceof Error ? error.constructor.name : typeof fields.type === 'string' ? fields.type : typeof error;
  const message = typeof fields.message === 'string' ? fields.message : String(error);
  const code = fields.code;
  return {
    type,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    message: redactText(message).slice(0, MAX_MESSAGE_CHARS),
    ...(fields.cause !== undefined && depth < MAX_CAUSE_DEPTH ? { cause: loggableError(fields.cause, depth + 1) } : {}),
  };
}

/** The serializer of the `err` and `error` keys: an error as loggableError; a plain text redacted. */
function errorField(value: unknown): unknown {
  return typeof value === 'string' ? redactText(value).slice(0, MAX_MESSAGE_CHARS) : loggableError(value);
}

/**
 * Runs before pino builds a line: an Error logged on its own goes under `err` (so through
 * errorField), the message pino would take from a logged error is the redacted one, and every
 * message text is redacted.
 */
function redactingLogMethod(this: Logger, args: unknown[], method: (...args: unknown[]) => void): void {
  let [first, ...texts] = args;
  if (first instanceof Error) first = { err: first };
  const logged = first !== null && typeof first === 'object' ? (first as { err?: unknown; error?: unknown }) : undefined;
  if (logged && texts.length === 0) {
    const error = logged.err ?? logged.error;
    if (error !== undefined && typeof error !== 'string') texts = [loggableError(error).message];
  }
  const head = typeof first === 'string' ? redactText(first) : first;
  method.apply(this, [head, ...texts.map((text) => (typeof text === 'string' ? redactText(text) : redactSecrets(text)))]);
}

export interface LoggerSettings {
  level?: string;
  name?: string;
  /** Where the JSON lines go. Default: stdout. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerSettings = {}): Logger {
  const settings: LoggerOptions = {
    name: options.name ?? 'stripe-connector',
    // Default: info; LOG_LEVEL overrides; tests are quiet unless asked.
    level: options.level ?? process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: errorField, error: errorField },
    hooks: { logMethod: redactingLogMethod },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

export type { Logger };
