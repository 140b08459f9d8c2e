import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

function adminUrl(): string {
  const url = process.env.TEST_ADMIN_DATABASE_URL;
  if (!url) throw new Error('TEST_ADMIN_DATABASE_URL is unset: run tests through jest (global setup)');
  return url;
}

/** A fresh database on the test server, so every test file has its own tables and pgboss schema. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `itest_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: adminUrl() });
      await c.connect();
      // A pool closed just before may still be saying goodbye (its clients ending): FORCE would
      // terminate them mid-close and their FATAL 57P01 would surface as an unhandled error in the
      // test process. Give them up to 5 s to leave; FORCE then removes only what truly lingers.
      for (let waited = 0; waited < 5000; waited += 50) {
        const { rows } = await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
