/**
 * The dependency rules `npm test` checks (dependency-cruiser, before jest): the layering of
 * docs/layout.md. From the bottom: infrastructure (db, http, net, jobs, realtime, events), the
 * GraphQL kit (src/graphql/), the capabilities (one `<capability>.module.ts` each), the providers,
 * and on top the assembly (src/assembly/) with the entry points (src/app.ts, src/main.ts).
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles, type-only imports included: a cycle makes two modules one.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'providers-through-the-registry',
      comment: 'Outside src/providers/, a provider is reached through src/providers/registry.ts only, so an eleventh is one folder and one line.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/providers/' },
      to: { path: '^src/providers/(?!registry\\.ts$|provider\\.module\\.ts$)' },
    },
    {
      name: 'providers-stand-alone',
      comment: 'A provider folder imports no other provider folder; what Teams and Outlook share lives in microsoft-graph/.',
      severity: 'error',
      from: { path: '^src/providers/([^/]+)/' },
      to: { path: '^src/providers/([^/]+)/', pathNot: ['^src/providers/$1/', '^src/providers/microsoft-graph/'] },
    },
    {
      name: 'events-recorded-without-webhooks',
      comment: 'API keys and connections record events through src/events/event-recorder.ts; webhooks implements it.',
      severity: 'error',
      from: { path: '^src/(apikeys|connections)/' },
      to: { path: '^src/webhooks/' },
    },
    {
      name: 'connections-know-nothing-of-sync',
      comment: 'Sync builds on connections (Connection.syncConfigs is resolved in src/sync/), never the reverse.',
      severity: 'error',
      from: { path: '^src/connections/' },
      to: { path: '^src/sync/' },
    },
    {
      name: 'infrastructure-imports-no-capability',
      comment: 'db/, http/, net/, jobs/, realtime/ and events/ are infrastructure: capabilities build on them, never the reverse.',
      severity: 'error',
      from: { path: '^src/(db|http|net|jobs|realtime|events)/' },
      to: { path: '^src/(apikeys|connections|connectors|providers|sync|webhooks|intelligence|dashboard|assembly|graphql)/' },
    },
    {
      name: 'kit-imports-no-capability',
      comment:
        'src/graphql/ is the kit every capability uses (context, scopes, relay, errors, loaders, references); capabilities fill its Services and Loaders by declaration merging.',
      severity: 'error',
      from: { path: '^src/graphql/' },
      to: { path: '^src/(apikeys|connections|connectors|providers|sync|webhooks|intelligence|dashboard|assembly)/' },
    },
    {
      name: 'no-capability-imports-the-assembly',
      comment: 'src/assembly/ composes the capability modules (schema, loaders, references, entities, services); nothing below it reaches up.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/assembly/', '^src/(app|main)\\.ts$'] },
      to: { path: '^src/(assembly/|app\\.ts$|main\\.ts$)' },
    },
    {
      name: 'events-live-low',
      comment: 'The event-recording interface imports no capability.',
      severity: 'error',
      from: { path: '^src/events/' },
      to: { path: '^src/(?!events/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
