// The API's shapes as the console reads them (the server publishes them in /openapi.json).
export interface KeyRefused {
  at: string;
  message: string;
}

export interface Connection {
  id: string;
  name: string;
  mode: 'test' | 'live';
  keyHint: string;
  apiBase: string;
  createdAt: string;
  keyRefused?: KeyRefused | null;
}

export interface Counts {
  delivered: number;
  failed: number;
  pending: number;
}

export interface Subscription {
  id: string;
  trigger: string;
  connection: string;
  url: string;
  mode: 'poll' | 'webhook' | 'hybrid';
  pollIntervalSeconds: number;
  since: string;
  status: 'active' | 'paused';
  createdAt: string;
  counts?: Counts;
  secret?: string;
}

export interface Attempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseSnippet: string | null;
}

export interface Delivery {
  id: string;
  subscription: string;
  connection?: string;
  trigger?: string;
  event: string;
  stripeObjectId: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
  attemptsHistory?: Attempt[];
}

export interface Run {
  id: string;
  kind: 'action' | 'delivery';
  connection: string;
  operation: string;
  status: 'succeeded' | 'failed';
  durationMs: number;
  createdAt: string;
  input?: unknown;
  output?: unknown;
  error?: unknown;
  stripeRequestId?: string | null;
  subscription?: string;
  delivery?: string;
  attempt?: number;
  statusCode?: number | null;
}

export interface JsonSchema {
  type?: string;
  format?: string;
  description?: string;
  default?: unknown;
  const?: unknown;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
}

export interface Operation {
  kind: 'action' | 'trigger';
  name: string;
  title: string;
  description: string;
  input: JsonSchema;
}

export interface Overview {
  connections: {
    id: string;
    name: string;
    mode: string;
    keyHint: string;
    lastSuccessAt: string | null;
    lastError: { at: string; operation: string; code: string; message: string } | null;
    keyRefused: KeyRefused | null;
  }[];
  deliveriesPerMinute: ({ minute: string } & Counts)[];
  oldestPendingAgeSeconds: number | null;
}

export interface BulkRetry {
  id: string;
  status: 'running' | 'done' | 'interrupted';
  total: number;
  retried: number;
  createdAt: string;
  finishedAt?: string | null;
}
