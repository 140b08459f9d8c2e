import { DateTimeResolver, JSONResolver } from 'graphql-scalars';

// The contract names its scalars DateTime and JSON; graphql-scalars ships both under exactly those
// names (DateTime serialises a Date as an ISO-8601 string).
export const DateTimeScalar = DateTimeResolver;
export const JSONScalar = JSONResolver;
