import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildASTSchema,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  isNonNullType,
  isListType,
  GraphQLType,
  parse,
} from 'graphql';
import { printIntegrationSdl, SCHEMA_FILE } from '../src/assembly/schema.print.cli';

const CONTRACT_FILE = path.resolve(__dirname, '../../shared/contract/integration.graphql');

/**
 * What the contract grew for issues still open: exactly these are missing until their issue lands
 * (then its line goes, and the test fails until it does). None is awaited today.
 */
const AWAITING_ISSUE: Record<number, string[]> = {};

/** Operations that arrive with later issues; until then the schema must not declare them. */
const NOT_YET = {
  Query: new Set<string>([]),
  Mutation: new Set([]),
  Subscription: new Set([]),
} as const;

/** Federation directives are defined by @link at composition time; declare them for parsing only. */
const FEDERATION_STUBS = `
  directive @link(url: String!, import: [String]) repeatable on SCHEMA
  directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
  directive @external on FIELD_DEFINITION | OBJECT
  directive @requires(fields: String!) on FIELD_DEFINITION
  directive @shareable repeatable on OBJECT | FIELD_DEFINITION
`;

function load(sdl: string): GraphQLSchema {
  return buildASTSchema(parse(`${FEDERATION_STUBS}\n${sdl}`), { assumeValidSDL: true });
}

/** Output may be stricter (non-null where the contract says nullable); names must match. */
function compatibleOutput(ours: GraphQLType, theirs: GraphQLType): boolean {
  if (isNonNullType(theirs)) return isNonNullType(ours) && compatibleOutput(ours.ofType, theirs.ofType);
  if (isNonNullType(ours)) return compatibleOutput(ours.ofType, theirs);
  if (isListType(theirs)) return isListType(ours) && compatibleOutput(ours.ofType, theirs.ofType);
  return !isListType(ours) && (ours as GraphQLNamedType).name === (theirs as GraphQLNamedType).name;
}

/** An argument may be optional where the contract requires it. */
function compatibleArgument(ours: GraphQLType, theirs: GraphQLType): boolean {
  if (isNonNullType(ours)) return isNonNullType(theirs) && compatibleArgument(ours.ofType, theirs.ofType);
  if (isNonNullType(theirs)) return compatibleArgument(ours, theirs.ofType);
  if (isListType(theirs)) return isListType(ours) && compatibleArgument(ours.ofType, theirs.ofType);
  return !isListType(ours) && (ours as GraphQLNamedType).name === (theirs as GraphQLNamedType).name;
}

function missingFromContract(ours: GraphQLSchema, contract: GraphQLSchema): string[] {
  const problems: string[] = [];
  for (const type of Object.values(contract.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    const notYet = NOT_YET[type.name as keyof typeof NOT_YET] as Set<string> | 'all' | undefined;
    if (notYet === 'all') continue;
    // Inputs arrive with the mutations that take them: checked only once declared.
    if (type instanceof GraphQLInputObjectType && !ours.getType(type.name)) continue;
    const mine = ours.getType(type.name);
    if (!mine) {
      problems.push(`type ${type.name} is missing`);
      continue;
    }
    if (type instanceof GraphQLInputObjectType) {
      const fields = (mine as GraphQLInputObjectType).getFields();
      for (const field of Object.values(type.getFields())) {
        const f = fields[field.name];
        if (!f) problems.push(`${type.name}.${field.name} is missing`);
        else if (!compatibleArgument(f.type, field.type)) problems.push(`${type.name}.${field.name}: ${f.type} vs ${field.type}`);
      }
    }
    if (type instanceof GraphQLEnumType) {
      const values = new Set((mine as GraphQLEnumType).getValues().map((v) => v.name));
      for (const v of type.getValues()) if (!values.has(v.name)) problems.push(`enum ${type.name} lacks ${v.name}`);
    }
    if (type instanceof GraphQLObjectType) {
      const fields = (mine as GraphQLObjectType).getFields();
      for (const field of Object.values(type.getFields())) {
        if (notYet instanceof Set && notYet.has(field.name)) continue;
        const f = fields[field.name];
        if (!f) problems.push(`${type.name}.${field.name} is missing`);
        else if (!compatibleOutput(f.type, field.type)) problems.push(`${type.name}.${field.name}: ${f.type} is not compatible with ${field.type}`);
        else
          for (const arg of field.args) {
            const a = f.args.find((x) => x.name === arg.name);
            if (!a) problems.push(`${type.name}.${field.name}(${arg.name}) is missing`);
            else if (!compatibleArgument(a.type, arg.type)) problems.push(`${type.name}.${field.name}(${arg.name}): ${a.type} vs ${arg.type}`);
          }
      }
    }
  }
  return problems;
}

describe('the subgraph schema', () => {
  it('is checked in as generated: run `npm run schema:print` when this fails', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await printIntegrationSdl());
  });

  it('contains every type, field, argument and enum value of the contract that has landed', () => {
    const ours = load(readFileSync(SCHEMA_FILE, 'utf8'));
    const contract = load(readFileSync(CONTRACT_FILE, 'utf8'));
    const awaiting = Object.values(AWAITING_ISSUE).flat();
    expect([...missingFromContract(ours, contract)].sort()).toEqual([...awaiting].sort());
  });

  it('declares no operation before the issue that makes it work', () => {
    const ours = load(readFileSync(SCHEMA_FILE, 'utf8'));
    const mutations = Object.keys(ours.getMutationType()?.getFields() ?? {});
    for (const name of NOT_YET.Mutation) expect(mutations).not.toContain(name);
    const query = Object.keys(ours.getQueryType()!.getFields());
    for (const name of NOT_YET.Query) expect(query).not.toContain(name);
  });
});
