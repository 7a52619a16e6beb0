// Counts an emulator account's requests to paths under a prefix, from now on: the emulator keeps
// no request log, but each fault rule counts the requests it sees (`matched`, docs/emulator.md),
// and a delay rule with share 0 sees them without ever firing.
export async function countEmulatorRequests(emulatorUrl: string, apiKey: string, pathPrefix: string): Promise<() => Promise<number>> {
  const headers = { authorization: `Bearer ${apiKey}` };
  const added = await fetch(`${emulatorUrl}/_emulator/faults`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ kind: 'delay', delay_ms: '1', share: '0', path_prefix: pathPrefix }).toString(),
  });
  if (added.status !== 200) throw new Error(`POST /_emulator/faults answered ${added.status}: ${await added.text()}`);
  const rule = ((await added.json()) as { data: { id: string }[] }).data.at(-1)!;
  return async () => {
    const answer = await fetch(`${emulatorUrl}/_emulator/faults`, { headers });
    const { data } = (await answer.json()) as { data: { id: string; matched: number }[] };
    return data.find((r) => r.id === rule.id)!.matched;
  };
}
