// The rules a custom connector must meet to import and to pass certification (Microsoft's
// custom-connector and certification docs), checked on the exported files. The export refuses to
// write files that break one, and the tests run the same check, so a rule is stated once.

export interface RuleBreach {
  /** Where: "paths./api/…/post.summary", "apiProperties.properties.iconBrandColor" … */
  at: string;
  rule: string;
}

/** apiDefinition.swagger.json must be under 1 MB to import. */
export const MAX_DEFINITION_BYTES = 1024 * 1024;
const MAX_TITLE_LENGTH = 30;
const MAX_SUMMARY_LENGTH = 80;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

type Json = Record<string, unknown>;

function checkSchemaFields(schema: unknown, at: string, breaches: RuleBreach[]): void {
  if (schema === null || typeof schema !== 'object') return;
  const node = schema as Json;
  for (const [name, property] of Object.entries((node.properties ?? {}) as Record<string, Json>)) {
    const where = `${at}.properties.${name}`;
    if (typeof property['x-ms-summary'] !== 'string' || property['x-ms-summary'] === '') breaches.push({ at: where, rule: 'every field has an x-ms-summary' });
    if (typeof property['x-ms-visibility'] !== 'string') breaches.push({ at: where, rule: 'every field has an x-ms-visibility' });
    checkSchemaFields(property, where, breaches);
  }
  if (node.items !== undefined) checkSchemaFields(node.items, `${at}.items`, breaches);
}

export function checkApiDefinition(definition: Json, serialisedBytes: number): RuleBreach[] {
  const breaches: RuleBreach[] = [];
  if (definition.swagger !== '2.0') breaches.push({ at: 'swagger', rule: 'Swagger 2.0 only' });
  if (serialisedBytes >= MAX_DEFINITION_BYTES) breaches.push({ at: 'apiDefinition.swagger.json', rule: 'under 1 MB' });
  const title = String((definition.info as Json | undefined)?.title ?? '');
  if (title === '' || title.length > MAX_TITLE_LENGTH) breaches.push({ at: 'info.title', rule: `1 to ${MAX_TITLE_LENGTH} characters` });
  if (/\b(api|connector)\b/i.test(title)) breaches.push({ at: 'info.title', rule: 'no "API" or "Connector" in the title' });

  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries((definition.paths ?? {}) as Record<string, Json>)) {
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      const at = `paths.${path}.${method}`;
      const id = operation.operationId;
      if (typeof id !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(id)) breaches.push({ at: `${at}.operationId`, rule: 'PascalCase, without - or _' });
      else if (operationIds.has(id)) breaches.push({ at: `${at}.operationId`, rule: 'unique' });
      else operationIds.add(id);
      const summary = operation.summary;
      if (typeof summary !== 'string' || summary === '') breaches.push({ at: `${at}.summary`, rule: 'present' });
      else {
        if (summary.length > MAX_SUMMARY_LENGTH) breaches.push({ at: `${at}.summary`, rule: `at most ${MAX_SUMMARY_LENGTH} characters` });
        if (summary.includes('/')) breaches.push({ at: `${at}.summary`, rule: 'no "/"' });
        if (/\p{P}$/u.test(summary)) breaches.push({ at: `${at}.summary`, rule: 'no trailing punctuation' });
      }
      const description = operation.description;
      if (typeof description !== 'string' || !description.trim().endsWith('.')) breaches.push({ at: `${at}.description`, rule: 'present and ends with a period' });
      else if (description === summary) breaches.push({ at: `${at}.description`, rule: 'differs from the summary' });
      const responses = Object.keys((operation.responses ?? {}) as Json);
      if (!responses.some((status) => /^2\d\d$/.test(status))) breaches.push({ at: `${at}.responses`, rule: 'declares a 2xx response' });

      for (const [index, parameter] of ((operation.parameters ?? []) as Json[]).entries()) {
        const where = `${at}.parameters.${index}`;
        if (typeof parameter['x-ms-summary'] !== 'string') breaches.push({ at: where, rule: 'every parameter has an x-ms-summary' });
        if (typeof parameter['x-ms-visibility'] !== 'string') breaches.push({ at: where, rule: 'every parameter has an x-ms-visibility' });
        if (parameter.schema !== undefined) checkSchemaFields(parameter.schema, `${where}.schema`, breaches);
      }
      for (const [status, response] of Object.entries((operation.responses ?? {}) as Record<string, Json>)) {
        if (response.schema !== undefined) checkSchemaFields(response.schema, `${at}.responses.${status}.schema`, breaches);
      }

      const trigger = operation['x-ms-trigger'];
      if (trigger === 'single') {
        const bodySchema = ((operation.parameters ?? []) as Json[]).find((p) => p.in === 'body')?.schema as Json | undefined;
        const notification = Object.values((bodySchema?.properties ?? {}) as Record<string, Json>).find((p) => p['x-ms-notification-url'] === true);
        if (!notification) breaches.push({ at, rule: 'a webhook trigger has a body field marked x-ms-notification-url' });
        else if (notification['x-ms-visibility'] !== 'internal') breaches.push({ at, rule: 'the notification URL field is internal' });
        if (!(operation['x-ms-notification-content'] as Json | undefined)?.schema) breaches.push({ at, rule: 'a webhook trigger describes its payload (x-ms-notification-content)' });
        else checkSchemaFields((operation['x-ms-notification-content'] as Json).schema, `${at}.x-ms-notification-content.schema`, breaches);
        if (!responses.includes('201')) breaches.push({ at: `${at}.responses`, rule: 'a webhook trigger answers 201' });
      } else if (trigger === 'batch') {
        const ok = (operation.responses as Record<string, Json>)['200'];
        if ((ok?.schema as Json | undefined)?.type !== 'array') breaches.push({ at, rule: 'a batch trigger answers an array' });
        if (!responses.includes('202')) breaches.push({ at: `${at}.responses`, rule: 'a polling trigger declares its 202' });
      }
    }
  }
  const testConnection = ((definition['x-ms-capabilities'] as Json | undefined)?.testConnection as Json | undefined)?.operationId;
  if (typeof testConnection !== 'string' || !operationIds.has(testConnection)) breaches.push({ at: 'x-ms-capabilities.testConnection', rule: 'names an operation of the definition' });
  return breaches;
}

export function checkApiProperties(properties: Json): RuleBreach[] {
  const breaches: RuleBreach[] = [];
  const inner = (properties.properties ?? {}) as Json;
  if (typeof inner.iconBrandColor !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(inner.iconBrandColor)) {
    breaches.push({ at: 'properties.iconBrandColor', rule: 'required, #rrggbb' });
  } else if (/^#f{6}$/i.test(inner.iconBrandColor)) {
    breaches.push({ at: 'properties.iconBrandColor', rule: 'not white' });
  }
  const capabilities = inner.capabilities;
  if (!Array.isArray(capabilities) || !capabilities.includes('actions') || !capabilities.includes('triggers')) {
    breaches.push({ at: 'properties.capabilities', rule: 'lists actions and triggers' });
  }
  const parameters = (inner.connectionParameters ?? {}) as Record<string, Json>;
  if (parameters.api_key?.type !== 'securestring') breaches.push({ at: 'properties.connectionParameters.api_key', rule: 'a securestring' });
  return breaches;
}
