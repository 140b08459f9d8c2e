import type { Client } from 'pg';

/** Creates the database on a fresh cluster; a restart finds it and leaves it alone. */
export async function ensureDatabase(admin: Pick<Client, 'query'>, name: string): Promise<void> {
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  // The name is this service's own constant, never input: an identifier cannot be a parameter.
  if (!rowCount) await admin.query(`CREATE DATABASE ${name}`);
}
