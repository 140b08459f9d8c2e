import { loadConfig } from '../src/config';

/**
 * What the benches that run the service as deployed (api and worker roles in-process on one
 * database, bench:webhooks and bench:automations) share: the role's config, the open-loop
 * helpers and the percentile they report.
 */
export function roleConfig(databaseUrl: string, role: string, encryptionKey: string, bootstrapKey: string) {
  return loadConfig({
    NODE_ENV: 'production',
    ROLE: role,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    ALLOW_PRIVATE_TARGETS: 'true',
    INTEGRATION_ENCRYPTION_KEY: encryptionKey,
    INTEGRATION_BOOTSTRAP_API_KEY: bootstrapKey,
  });
}

/** The p-th percentile (0-100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** `task(0..count-1)`, at most `concurrency` at a time. */
export async function inParallel(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}
