import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { createDataSourceFor } from '../db/data-source';
import { entities } from './entities';

/** The service's data source, with every capability's entities registered. */
export function createDataSource(url: string, log: Logger, onQuery: () => void = () => {}): DataSource {
  return createDataSourceFor(entities, url, log, onQuery);
}
