// What a client did on the wire, read from the emulator's request log (GET /_emulator/requests,
// docs/emulator.md): the most requests it sent in any one second, and any two of its requests to
// one path that were in flight at the same time.

export interface EmulatorRequest {
  method: string;
  /** Without the query string. */
  path: string;
  status: number;
  received_at_ms: number;
  answered_at_ms: number;
}

function withKey(apiKey: string): { authorization: string } {
  return { authorization: `Bearer ${apiKey}` };
}

/** Every API request the account of `apiKey` received (the last 100,000), oldest first. */
export async function emulatorRequests(emulatorUrl: string, apiKey: string): Promise<{ data: EmulatorRequest[]; dropped: number }> {
  const response = await fetch(`${emulatorUrl}/_emulator/requests`, { headers: withKey(apiKey) });
  if (response.status !== 200) throw new Error(`GET /_emulator/requests: ${response.status} ${await response.text()}`);
  return (await response.json()) as { data: EmulatorRequest[]; dropped: number };
}

/** Forgets the account's request log, so what follows is read alone. */
export async function clearEmulatorRequests(emulatorUrl: string, apiKey: string): Promise<void> {
  const response = await fetch(`${emulatorUrl}/_emulator/requests`, { method: 'DELETE', headers: withKey(apiKey) });
  if (response.status !== 200) throw new Error(`DELETE /_emulator/requests: ${response.status} ${await response.text()}`);
}

/**
 * The most requests received within any sliding window of `windowMs` (default 1,000: Stripe's
 * limits are per second), and where that window starts: every window that holds a maximum starts
 * at some request's arrival, so only those are tried.
 */
export function busiestWindow(requests: readonly EmulatorRequest[], windowMs = 1_000): { count: number; startMs: number } {
  const arrivals = requests.map((r) => r.received_at_ms).sort((a, b) => a - b);
  let best = { count: 0, startMs: Number.NaN };
  let end = 0;
  for (let start = 0; start < arrivals.length; start += 1) {
    while (end < arrivals.length && arrivals[end]! < arrivals[start]! + windowMs) end += 1;
    if (end - start > best.count) best = { count: end - start, startMs: arrivals[start]! };
  }
  return best;
}

/**
 * Pairs of requests whose intervals [received_at_ms, answered_at_ms] overlap: one arrived before
 * the other was answered. Requests that touch at one millisecond (one answered in the ms the next
 * arrived) are not counted: the log's grain is a millisecond.
 */
export function overlapping(requests: readonly EmulatorRequest[]): [EmulatorRequest, EmulatorRequest][] {
  const sorted = [...requests].sort((a, b) => a.received_at_ms - b.received_at_ms);
  const pairs: [EmulatorRequest, EmulatorRequest][] = [];
  let longest: EmulatorRequest | undefined;
  for (const request of sorted) {
    if (longest && request.received_at_ms < longest.answered_at_ms) pairs.push([longest, request]);
    if (!longest || request.answered_at_ms > longest.answered_at_ms) longest = request;
  }
  return pairs;
}
