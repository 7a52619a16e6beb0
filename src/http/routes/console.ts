// The web console (docs/console.md): `GET /` answers the HTML shell and `GET /console/{file}` the
// built script and styles (dist/console/, written by scripts/build-console.mjs). Both are public:
// the page holds no data; every fetch it makes carries the user's Bearer token like any client.
//
// The files are read once at start and answered from memory with a strong ETag, so a browser asks
// again cheaply (304) and never runs a stale script after an upgrade ("no-cache" = revalidate each
// time; the names are not content-hashed, so "immutable" would keep an old script).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConnectorError, notFound } from '../../errors.js';

/** dist/console/ of this package: the same folder from src/http/routes (tsx) and dist/http/routes (built). */
export const BUILT_CONSOLE_DIR = fileURLToPath(new URL('../../../dist/console/', import.meta.url));

/**
 * Every console answer's headers. The policy allows only this origin's own script, styles and API:
 * no inline script or style, no framing (clickjacking), no form posts elsewhere, no <base> tricks.
 * The token is never in a cookie, so there is no CSRF surface either (docs/console.md, "Sign-in").
 */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface ConsoleFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

function readConsoleFiles(dir: string): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  if (!existsSync(dir)) return files;
  for (const name of readdirSync(dir)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType === undefined) continue;
    const body = readFileSync(join(dir, name));
    files.set(name, { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
  }
  return files;
}

function answer(request: FastifyRequest, reply: FastifyReply, file: ConsoleFile): FastifyReply {
  void reply.headers({ ...CONSOLE_SECURITY_HEADERS, etag: file.etag, 'cache-control': 'no-cache' });
  const asked = request.headers['if-none-match'];
  if (typeof asked === 'string' && asked.split(',').some((tag) => tag.trim() === file.etag)) return reply.code(304).send();
  return reply.type(file.contentType).send(file.body);
}

export function registerConsoleRoutes(app: FastifyInstance, dir: string = BUILT_CONSOLE_DIR): void {
  const files = readConsoleFiles(dir);
  app.get('/', async (request, reply) => {
    const shell = files.get('index.html');
    // A checkout that skipped `npm run build` has no console to serve; the API still works.
    if (shell === undefined) throw new ConnectorError(404, 'not_found', 'The web console is not built: run npm run build');
    return answer(request, reply, shell);
  });
  // One flat folder: a name with a slash or dot segment matches no file here, whatever its spelling.
  app.get<{ Params: { file: string } }>('/console/:file', async (request, reply) => {
    const file = request.params.file === 'index.html' ? undefined : files.get(request.params.file);
    if (file === undefined) throw notFound('console file', request.params.file);
    return answer(request, reply, file);
  });
}
