import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { relayTypes } from '../graphql/relay';
import { DateTimeScalar } from '../graphql/scalars';

@Directive('@key(fields: "id")')
@ObjectType({ simpleResolvers: true, description: 'A file kept from a provider: a signed DocuSign envelope or Adobe Sign agreement.' })
export class StoredDocument {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  provider!: string;

  @Field(() => String)
  externalId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  contentType!: string;

  @Field(() => Int)
  sizeBytes!: number;

  @Field(() => String)
  sha256!: string;

  @Field(() => String, { nullable: true, description: 'The HotCRM record it belongs to (a contract).' })
  internalObject!: string | null;

  @Field(() => ID, { nullable: true })
  internalId!: string | null;

  @Field(() => String, { description: 'A short-lived signed URL to download it from this service.' })
  downloadUrl!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

const relay = relayTypes(StoredDocument, 'StoredDocument');
export const StoredDocumentEdge = relay.Edge;
export const StoredDocumentConnection = relay.Page;
