// A lint rule: the dependency rule between the source folders. Each boundary names the files it
// governs (`from`), the folders or files they may not import (`forbid`, or everything outside
// `onlyWithin`), and whether type-only imports are let through. Relative imports are resolved to
// the file they name, so no spelling of a path gets around a boundary.
import { dirname, relative, resolve, sep } from 'node:path';

const inside = (path, folder) => path === folder || path.startsWith(folder + sep) || path === `${folder}.ts`;

export default {
  meta: {
    type: 'problem',
    docs: { description: 'enforce which source folders may import which' },
    schema: [
      {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            from: { type: 'string' },
            forbid: { type: 'array', items: { type: 'string' } },
            onlyWithin: { type: 'array', items: { type: 'string' } },
            allowTypeImports: { type: 'boolean' },
            because: { type: 'string' },
          },
          required: ['from', 'because'],
          additionalProperties: false,
        },
      },
    ],
    messages: { forbidden: '{{from}} may not import {{target}}: {{because}}' },
  },
  create(context) {
    const cwd = context.cwd;
    const file = context.filename;
    const boundaries = (context.options[0] ?? []).filter((b) => inside(file, resolve(cwd, b.from)));
    if (boundaries.length === 0) return {};
    const check = (node) => {
      const specifier = node.source?.value;
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const resolved = resolve(dirname(file), specifier);
      const target = resolved.endsWith('.js') ? `${resolved.slice(0, -3)}.ts` : resolved;
      const typeOnly = node.importKind === 'type' || node.exportKind === 'type';
      for (const boundary of boundaries) {
        if (typeOnly && boundary.allowTypeImports) continue;
        const forbidden = boundary.forbid
          ? boundary.forbid.some((folder) => inside(target, resolve(cwd, folder)))
          : !(boundary.onlyWithin ?? []).some((folder) => inside(target, resolve(cwd, folder)));
        if (forbidden) {
          context.report({ node, messageId: 'forbidden', data: { from: boundary.from, target: relative(cwd, target), because: boundary.because } });
          return;
        }
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};
