// Polls a condition until it holds or the deadline passes: for state that changes after an
// answer was sent (webhook deliveries). Not a sleep that races: it waits for the condition itself.
export async function eventually<T>(read: () => Promise<T>, holds: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (holds(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
