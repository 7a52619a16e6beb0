// What a request passes through: the account state, the API and control routers, and the
// expanders. Its own module so the server and the two pipelines that take it import it from
// here rather than from each other.
import type { Route } from './context.js';
import type { ControlRoute } from './control/control-context.js';
import type { Expanders } from './expand.js';
import type { Router } from './router.js';
import type { EmulatorState } from './state.js';

export interface Pipeline {
  state: EmulatorState;
  api: Router<Route>;
  control: Router<ControlRoute>;
  expanders: Expanders;
}
