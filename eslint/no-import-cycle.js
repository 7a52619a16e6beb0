// A lint rule: no relative import may close a circle of imports among the project's own files.
// The graph is read from the files on disk (relative specifiers only; `x.js` names `x.ts`), once
// per lint run, so a circle is reported at every import that belongs to it, in each file linted.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const SPECIFIER = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sourceOf(specifier, importer) {
  const target = resolve(dirname(importer), specifier);
  return target.endsWith('.js') ? `${target.slice(0, -3)}.ts` : target;
}

function tsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

const graphs = new Map();

/** Imports of every .ts file under `root`, as absolute paths of .ts files. */
function graphOf(root) {
  let graph = graphs.get(root);
  if (graph) return graph;
  graph = new Map();
  for (const file of tsFiles(root)) {
    const text = readFileSync(file, 'utf8');
    graph.set(file, [...text.matchAll(SPECIFIER)].map((m) => sourceOf(m[1] ?? m[2], file)));
  }
  graphs.set(root, graph);
  return graph;
}

/** Whether `from` reaches `to` through the graph. */
function reaches(graph, from, to) {
  const seen = new Set();
  const stack = [from];
  while (stack.length > 0) {
    const file = stack.pop();
    if (file === to) return true;
    if (seen.has(file)) continue;
    seen.add(file);
    stack.push(...(graph.get(file) ?? []));
  }
  return false;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'forbid import circles among the files of one source tree' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: { cycle: 'This import closes a circle: {{target}} imports this file back, directly or through others. Move what both need into a module of its own.' },
  },
  create(context) {
    const root = resolve(context.cwd, context.options[0]?.root ?? 'src');
    const file = context.filename;
    if (!file.startsWith(root)) return {};
    const graph = graphOf(root);
    const check = (node) => {
      const specifier = node.source?.value;
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = sourceOf(specifier, file);
      if (reaches(graph, target, file)) context.report({ node, messageId: 'cycle', data: { target: target.slice(root.length + 1) } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};
