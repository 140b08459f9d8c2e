import type { EntityClass } from '../graphql/capability-module';
import { capabilityModules } from './modules';

/** Every table's entity; each capability owns its own, this list only registers them. */
export const entities = capabilityModules.flatMap((module): EntityClass[] => [...module.entities]);
