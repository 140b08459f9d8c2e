/** Who is calling: resolved once per request (or per graphql-ws connection). */
export interface Principal {
  organizationId: string;
  subject: string;
  scopes: string[];
  kind: 'api_key' | 'jwt';
  apiKeyId?: string;
}
