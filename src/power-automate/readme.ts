// README.md written beside the exported files: how to import them, in the two ways the platform
// offers (the maker portal, or the paconn command line), and what to enter for the connection.
import { CONNECTOR_TITLE } from './api-definition.js';
import type { PublicAddress } from './public-url.js';

export function buildReadme(address: PublicAddress): string {
  return `# ${CONNECTOR_TITLE}: custom connector

These files describe the stripe-connector server at ${address.origin} as a Power Automate /
Logic Apps custom connector. Its actions and triggers are served by that server: it must be
reachable from the internet at that address (https).

| file | what it is |
|---|---|
| \`apiDefinition.swagger.json\` | the operations (Swagger 2.0) |
| \`apiProperties.json\` | the connection parameter (your API token) and the brand colour |
| \`icon.png\` | the icon |

## Import in the maker portal

1. Power Automate (make.powerautomate.com) → **Data** → **Custom connectors** → **New custom
   connector** → **Import an OpenAPI file**; name it and choose \`apiDefinition.swagger.json\`.
2. On **General**, upload \`icon.png\`. On **Security**, keep *API Key*; set the parameter label to
   "API token", name \`api_key\`, location *Header*, and the header name \`Authorization\`.
3. On **Definition** → **Policies**, add *Set HTTP header*: name \`Authorization\`, value
   \`Bearer @connectionParameters('api_key')\`, action *override*, run on *Request* (this is the
   policy \`apiProperties.json\` carries; the portal import does not read that file).
4. **Create connector**, then **Test** → **New connection** with your API token.

## Import with paconn

\`\`\`
pip install paconn
paconn login
paconn create --api-def apiDefinition.swagger.json --api-prop apiProperties.json --icon icon.png
\`\`\`

paconn reads all three files, the header policy included. \`paconn update\` with the same files and
\`--connector-id\` replaces an imported version after the server was upgraded.

## The connection

Its one parameter is your API token for the server (\`sct_…\`: \`stripe-connector token create\`,
or ask the server's admin). Each flow step then picks one of your Stripe connections on the server
from a list. The server's documentation (docs/power-automate.md) says what maps to what.
`;
}
