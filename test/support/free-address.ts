// An address on this machine where nothing listens (a port just freed), for CLI commands that
// look for a running server first and must not find one a developer happens to run on 4242.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function addressWithoutServer(): Promise<string> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  await new Promise((resolve) => listener.close(resolve));
  return `http://127.0.0.1:${port}`;
}
