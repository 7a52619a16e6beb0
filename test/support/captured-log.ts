// The server's own logger (src/log.ts's createLogger: its redaction, its error serializer), writing
// into memory, so a test reads exactly the lines production would write.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.js';

export interface CapturedLog {
  logger: Logger;
  /** Everything written so far. */
  text(): string;
  /** The JSON lines written so far, parsed. */
  lines(): Record<string, unknown>[];
}

export function capturedLog(level = 'info'): CapturedLog {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return {
    logger: createLogger({ level, destination }),
    text: () => text,
    lines: () => text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
