// An address on this machine where nothing listens (a port just freed), for CLI commands that
// look for a running server first and must not find one a developer happens to run on 4242.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A port on 127.0.0.1 that was free a moment ago (for a server that must come back on the same one). */
export async function freePort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  await new Promise((resolve) => listener.close(resolve));
  return port;
}

export async function addressWithoutServer(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}
