/**
 * The dependency rules `npm test` checks (dependency-cruiser, before jest). Issue 15 adds the
 * layering of capability modules and the assembly as that restructure lands; these hold today.
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
      comment: 'http/, net/, jobs/, realtime/, events/ and the embedded database are infrastructure: capabilities build on them, never the reverse.',
      severity: 'error',
      from: { path: '^src/(http|net|jobs|realtime|events|db/embedded-postgres)/' },
      to: { path: '^src/(apikeys|connections|connectors|providers|sync|webhooks|intelligence|dashboard)/' },
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
