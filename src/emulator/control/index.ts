// Every control route. A new control file (faults, webhook log, bulk-create) adds its list here.
import type { ControlRoute } from './control-context.js';
import { accountRoutes } from './account-routes.js';
import { bulkRoutes } from './bulk-routes.js';
import { clockRoutes } from './clock-routes.js';
import { faultRoutes } from './fault-routes.js';
import { webhookRoutes } from './webhook-routes.js';
import { settingsRoutes } from './settings-routes.js';
import { requestLogRoutes } from './request-log-routes.js';

const health: ControlRoute = {
  method: 'GET',
  path: '/_emulator/health',
  handler: (ctx) => {
    ctx.params.finish();
    return { status: 'ok' };
  },
};

export const controlRoutes: ControlRoute[] = [health, ...clockRoutes, ...settingsRoutes, ...accountRoutes, ...faultRoutes, ...webhookRoutes, ...bulkRoutes, ...requestLogRoutes];
