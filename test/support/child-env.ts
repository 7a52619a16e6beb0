// The environment of a child process a test starts: a clean slate, so nothing from the developer's
// own connector environment (a token, a DATA_DIR, a PORT) leaks into it.
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(STRIPE_|DATA_DIR|DATABASE_URL|PORT|HOST|PUBLIC_URL|ACTION_RATE)/.test(k)),
  );
  return { ...base, NODE_ENV: 'production', LOG_LEVEL: 'info', ...env };
}
