import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shared provider request budget (src/connectors/http/rate-budget.ts). The shape is
 * rate-limiter-flexible's RateLimiterPostgres table, column order included: the library inserts
 * with a positional `VALUES ($1, $2, $3)` as (key, points, expire in epoch ms). It runs with
 * tableCreated: true, so this migration, not the library, owns the table.
 *
 * UNLOGGED: the rows are counters for windows of seconds, written on every provider call;
 * skipping the WAL is worth more than keeping them across a crash, which only resets budgets.
 */
export class ProviderRateBudget1764288000000 implements MigrationInterface {
  name = 'ProviderRateBudget1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE provider_rate_budget (
        key varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      );

      -- The library deletes rows that expired an hour ago every five minutes.
      CREATE INDEX provider_rate_budget_expire_idx ON provider_rate_budget (expire);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE provider_rate_budget;`);
  }
}
