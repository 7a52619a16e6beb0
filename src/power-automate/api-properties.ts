// apiProperties.json of the custom connector: the one connection parameter (the user's API token
// for this server, a securestring the platform never shows again), the brand colour it requires,
// and a policy that sends the token as "Authorization: Bearer …" — the apiKey security definition
// alone would send the bare token, which this server refuses.
import { ICON_BRAND_COLOR } from './icon.js';

export function buildApiProperties(): Record<string, unknown> {
  return {
    properties: {
      connectionParameters: {
        api_key: {
          type: 'securestring',
          uiDefinition: {
            displayName: 'API token',
            description: 'Your API token for this stripe-connector server (sct_…), from `stripe-connector token create` or an admin.',
            tooltip: 'The token is sent as Authorization: Bearer <token>',
            constraints: { tabIndex: 2, clearText: false, required: 'true' },
          },
        },
      },
      iconBrandColor: ICON_BRAND_COLOR,
      capabilities: ['actions', 'triggers'],
      policyTemplateInstances: [
        {
          templateId: 'setheader',
          title: 'Bearer token',
          parameters: {
            'x-ms-apimTemplateParameter.name': 'Authorization',
            'x-ms-apimTemplateParameter.value': "Bearer @connectionParameters('api_key')",
            'x-ms-apimTemplateParameter.existsAction': 'override',
            'x-ms-apimTemplate-policySection': 'Request',
          },
        },
      ],
      publisher: 'stripe-connector',
      stackOwner: 'stripe-connector',
    },
  };
}
