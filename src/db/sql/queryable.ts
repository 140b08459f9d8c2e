import type { DataSource, EntityManager } from 'typeorm';

/**
 * What a SQL module runs its statement on: the data source, or the entity manager of a
 * transaction the caller holds, so one operation composes into a larger unit of work.
 */
export type Queryable = Pick<DataSource | EntityManager, 'query'>;
