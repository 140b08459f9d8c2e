import 'reflect-metadata';
import { printSubgraphSchema } from '@apollo/subgraph';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildIntegrationSchema } from './schema';

export const SCHEMA_FILE = path.resolve(__dirname, '../../schema/integration.graphql');

/** The subgraph SDL as the router composes it (what `_service { sdl }` answers). */
export async function printIntegrationSdl(): Promise<string> {
  const { schema } = await buildIntegrationSchema();
  return `${printSubgraphSchema(schema).trim()}\n`;
}

if (require.main === module) {
  printIntegrationSdl().then(
    (sdl) => {
      writeFileSync(SCHEMA_FILE, sdl);
      process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
    },
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
