// Live updates: GET /api/stream read with fetch and a stream reader (EventSource cannot send the
// Authorization header), parsed as Server-Sent Events. A dropped or refused stream is opened again
// after 1 s, doubling to at most 30 s, and the wait starts over once events flow again.
import { currentToken } from './session.js';

export type StreamEvent = { type: 'delivery' | 'run'; data: unknown };
export type StreamState = 'connecting' | 'live' | 'waiting';

const FIRST_WAIT_MS = 1_000;
const LONGEST_WAIT_MS = 30_000;

/** Opens the stream for `query` ('' for everything of the caller's); the returned function stops it. */
export function followStream(query: string, onEvent: (event: StreamEvent) => void, onState: (state: StreamState) => void): () => void {
  const stopper = new AbortController();
  let waitMs = FIRST_WAIT_MS;
  const run = async () => {
    while (!stopper.signal.aborted) {
      onState('connecting');
      try {
        const token = currentToken();
        const response = await fetch(`/api/stream${query}`, {
          headers: { accept: 'text/event-stream', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
          signal: stopper.signal,
          cache: 'no-store',
        });
        if (response.ok && response.body) {
          onState('live');
          await readEvents(response.body, (event) => {
            waitMs = FIRST_WAIT_MS;
            onEvent(event);
          });
        } else {
          await response.body?.cancel();
        }
      } catch {
        // a network error or the abort below: wait, or stop
      }
      if (stopper.signal.aborted) return;
      onState('waiting');
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      waitMs = Math.min(waitMs * 2, LONGEST_WAIT_MS);
    }
  };
  void run();
  return () => stopper.abort();
}

async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: StreamEvent) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      const data: string[] = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) continue; // a keep-alive comment
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') type = text;
        else if (field === 'data') data.push(text);
      }
      if ((type === 'delivery' || type === 'run') && data.length > 0) {
        try {
          onEvent({ type, data: JSON.parse(data.join('\n')) });
        } catch {
          // not JSON: not an event this console knows
        }
      }
    }
  }
}
