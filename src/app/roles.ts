// What a `serve` process runs (serve --role): `all` (the default) the HTTP API, inbound Stripe
// webhooks and the background work; `api` only the first two; `worker` only the background work —
// poll scheduler, hybrid reconciler, delivery worker — with an HTTP listener for probes alone.
export const SERVE_ROLES = ['all', 'api', 'worker'] as const;

export type ServeRole = (typeof SERVE_ROLES)[number];

export const DEFAULT_SERVE_ROLE: ServeRole = 'all';

/** Whether a process of this role polls, reconciles and sends deliveries. */
export function runsBackgroundWork(role: ServeRole): boolean {
  return role !== 'api';
}

/**
 * The routes a worker-role process answers, as "METHOD pattern": probes and metrics, which are
 * about the process itself. Everything else is an API or webhook route, for the api or all role.
 */
export const WORKER_ROLE_ROUTES: ReadonlySet<string> = new Set(['GET /healthz', 'GET /readyz', 'GET /metrics']);
