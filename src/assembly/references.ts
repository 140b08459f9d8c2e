import type { ReferenceResolvers } from '../graphql/capability-module';
import { capabilityModules } from './modules';

/** `__resolveReference` for every entity of the contract, from the modules that own or extend them. */
export const referenceResolvers: ReferenceResolvers = Object.assign(
  {},
  ...capabilityModules.map((module) => ('references' in module ? module.references : {})),
);
