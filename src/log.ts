// Structured logs (pino, JSON lines). Anything that could carry a secret is redacted by path here,
// in one place; code must still never put a key into a message string.
import { pino, type Logger } from 'pino';

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

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: options.name ?? 'stripe-connector',
    // Default: info; LOG_LEVEL overrides; tests are quiet unless asked.
    level: options.level ?? process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  });
}

export type { Logger };
