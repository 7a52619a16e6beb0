// What delivery history keeps of a subscriber's answer. With CALLBACK_ALLOW_PRIVATE a subscriber
// URL may point at a service on the connector's own network, and whatever it answers is readable
// back through GET /api/subscriptions/{id}/deliveries: so only failed attempts keep anything (a
// success needs no explanation), and then only the first 256 bytes — an error line, not a page.

/** Bytes kept of a failed attempt's answer, at most. */
export const RESPONSE_SNIPPET_BYTES = 256;

/**
 * The start of the answer, at most RESPONSE_SNIPPET_BYTES, cut before a UTF-8 character that
 * would not fit whole (so no U+FFFD appears); null when it was delivered or nothing was answered.
 */
export function responseSnippet(delivered: boolean, body: Buffer): string | null {
  if (delivered || body.length === 0) return null;
  let end = Math.min(body.length, RESPONSE_SNIPPET_BYTES);
  // Continuation bytes are 10xxxxxx: while the first byte left out is one, its character began inside.
  if (end < body.length) while (end > 0 && ((body[end] as number) & 0xc0) === 0x80) end--;
  return end === 0 ? null : body.subarray(0, end).toString('utf8');
}
