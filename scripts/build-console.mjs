// Builds the web console (src/console/) into dist/console/: one bundled, minified script (preact +
// htm + the screens, app.js), its styles (app.css) and the HTML shell (index.html), which
// src/http/routes/console.ts serves. Run by `npm run build` and `prepare`, after tsc.
// esbuild bundles without type checking; `npm run typecheck` checks src/console/tsconfig.json.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src/console');
const out = join(root, 'dist/console');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const common = { bundle: true, minify: true, legalComments: 'none', logLevel: 'warning' };
await build({ ...common, entryPoints: [join(source, 'main.ts')], outfile: join(out, 'app.js'), format: 'esm', target: 'es2022', platform: 'browser' });
await build({ ...common, entryPoints: [join(source, 'styles.css')], outfile: join(out, 'app.css') });
copyFileSync(join(source, 'index.html'), join(out, 'index.html'));
