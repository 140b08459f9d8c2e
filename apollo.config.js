// Apollo tooling (rover, editor plugins) for this subgraph: the checked-in SDL is the source of
// truth, and a running instance answers at http://localhost:4001/graphql.
module.exports = {
  service: {
    name: 'integration',
    localSchemaFile: './schema/integration.graphql',
    endpoint: { url: 'http://localhost:4001/graphql' },
  },
};
