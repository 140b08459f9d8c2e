import { ClassType, Directive, Field, Int, ObjectType } from 'type-graphql';

/** The contract's PageInfo; @shareable because every subgraph may declare it. */
@Directive('@shareable')
@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface RelayPage<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * Builds the `<Name>Edge` and `<Name>Connection` types of one node type, named as the contract
 * names them (ConnectionEdge / ConnectionConnection for the Connection node, and so on).
 */
export function relayTypes<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class Page implements RelayPage<T> {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }

  return { Edge, Page };
}
