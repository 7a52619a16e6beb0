// The custom connector as files: built from the connector's own definitions for one public
// address, checked against the import and certification rules (definition-rules.ts) before anyone
// gets them. The CLI writes them to a directory, the API route zips them; both call this.
import { createRequire } from 'node:module';
import { actions } from '../connector/actions/index.js';
import { triggers } from '../connector/triggers/index.js';
import { buildApiDefinition } from './api-definition.js';
import { buildApiProperties } from './api-properties.js';
import { checkApiDefinition, checkApiProperties } from './definition-rules.js';
import { renderIcon } from './icon.js';
import { parsePublicUrl } from './public-url.js';
import { buildReadme } from './readme.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export const EXPORT_FILE_NAMES = ['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'README.md'] as const;

export interface ExportFile {
  name: (typeof EXPORT_FILE_NAMES)[number];
  content: Buffer;
}

/** `publicUrl`: where Power Automate reaches the server. Throws a 400 naming `field` when it cannot be one. */
export function buildPowerAutomateExport(publicUrl: string, field = 'publicUrl'): ExportFile[] {
  const address = parsePublicUrl(publicUrl, field);
  const definition = buildApiDefinition({ address, version, actions, triggers });
  const properties = buildApiProperties();
  const definitionText = `${JSON.stringify(definition, null, 2)}\n`;
  const breaches = [...checkApiDefinition(definition, Buffer.byteLength(definitionText)), ...checkApiProperties(properties)];
  // The definition is built from code, so a breach is this program's fault, never the caller's.
  if (breaches.length > 0) throw new Error(`the exported connector breaks ${breaches.length} rule(s): ${breaches.map((b) => `${b.at}: ${b.rule}`).join('; ')}`);
  return [
    { name: 'apiDefinition.swagger.json', content: Buffer.from(definitionText) },
    { name: 'apiProperties.json', content: Buffer.from(`${JSON.stringify(properties, null, 2)}\n`) },
    { name: 'icon.png', content: renderIcon() },
    { name: 'README.md', content: Buffer.from(buildReadme(address)) },
  ];
}
