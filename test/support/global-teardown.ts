import { removeDataDir } from '../../src/db/embedded-postgres/cluster-location';

export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as Record<string, unknown>).__EMBEDDED_PG__ as { stop(): Promise<void>; dataDir: string } | undefined;
  if (!embedded) return;
  await embedded.stop();
  removeDataDir(embedded.dataDir);
}
