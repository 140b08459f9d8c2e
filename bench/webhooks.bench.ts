import 'reflect-metadata';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { Agent, fetch as undiciFetch } from 'undici';
import { startService } from '../src/app';
import { inParallel, percentile, roleConfig } from './deployed-services';
import { RetryPolicy } from '../src/webhooks/webhook.enums';
import { openBenchDatabase, runBench } from './support';
import { result } from './result';

/**
 * `npm run bench:webhooks`: 10,000 events published to one subscription whose receiver is a local
 * HTTP server, through the whole path (outbox transaction, pg-boss job, worker batch, signing,
 * POST, attempt recording, NOTIFY). Prints deliveries/s and publish-to-receive p50/p99, then the
 * same at a steady 200 events/s, and the baseline: a bare pg-boss send/work loop POSTing the same
 * bodies with the same batch size and worker count, no outbox, signing or bookkeeping.
 * Goals: >= 1,000 deliveries/s, ratio to the baseline >= 0.5, p99 < 1 s at 200 events/s.
 */
const EVENTS = 10_000;
const CONCURRENCY = 32;
const STEADY_RATE = 200;
const STEADY_SECONDS = 10;
const MAX_IN_FLIGHT = 64;
const ORG = 'bench';

/** The receiver runs in a child process (bench/webhook-receiver.child.ts); times are wall-clock ms. */
class Receiver {
  seen = new Map<number, number>();
  private child!: ChildProcess;
  private pending: ((seen: [number, number][]) => void) | null = null;

  async start(): Promise<string> {
    this.child = fork(path.join(__dirname, 'webhook-receiver.child.ts'), [], { execArgv: ['-r', 'ts-node/register/transpile-only'] });
    const port = await new Promise<number>((resolve) => {
      this.child.on('message', (message: any) => {
        if (message.type === 'ready') resolve(message.port);
        if (message.type === 'done') this.pending?.(message.seen);
      });
    });
    return `http://127.0.0.1:${port}/hooks`;
  }

  expect(count: number): Promise<void> {
    this.seen = new Map();
    this.child.send({ type: 'expect', count });
    return new Promise((resolve) => {
      this.pending = (seen) => {
        this.seen = new Map(seen);
        resolve();
      };
    });
  }

  async close(): Promise<void> {
    this.child.disconnect();
  }
}

function report(name: string, sentAt: Map<number, number>, receiver: Receiver, ms: number): number {
  const latencies = [...receiver.seen].map(([seq, at]) => at - sentAt.get(seq)!);
  const rate = (receiver.seen.size / ms) * 1000;
  console.log(
    `${name.padEnd(44)} ${receiver.seen.size} in ${(ms / 1000).toFixed(2)} s  ${rate.toFixed(0).padStart(6)}/s  ` +
      `p50 ${percentile(latencies, 50).toFixed(0)} ms  p99 ${percentile(latencies, 99).toFixed(0)} ms`,
  );
  result({ name: `${name}: publish-to-receive p99`, value: percentile(latencies, 99), unit: 'ms', goal: '< 1,000', met: percentile(latencies, 99) < 1000 });
  return rate;
}

const BOOTSTRAP_KEY = 'hcrm_bench_BenchWebhooksBootstrapKey0000';
const serviceConfig = (databaseUrl: string, role: string, encryptionKey: string) => roleConfig(databaseUrl, role, encryptionKey, BOOTSTRAP_KEY);

async function main(): Promise<void> {
  const database = await openBenchDatabase();
  const receiver = new Receiver();
  const targetUrl = await receiver.start();
  const key = randomBytes(32).toString('base64');
  // Publishing and delivering in separate services (api, worker) on one database, as deployed:
  // the backlog is published first, then the worker starts, so the drain is the delivery rate.
  const api = await startService(serviceConfig(database.url, 'api', key), pino({ level: 'silent' }));
  let worker: Awaited<ReturnType<typeof startService>> | null = null;
  const { eventPublisher, webhookSubscriptions } = api.services;
  try {
    await webhookSubscriptions.create(ORG, { name: 'bench', eventTypes: ['bench.*'], targetUrl, retryPolicy: RetryPolicy.NONE, maxRetries: 0 });
    console.log(`bench:webhooks — ${EVENTS} events to one subscription on a local receiver (node ${process.version}, ${os.cpus().length} cores)`);

    let sentAt = new Map<number, number>();
    let started = performance.now();
    await inParallel(EVENTS, CONCURRENCY, async (seq) => {
      sentAt.set(seq, Date.now());
      await eventPublisher.publish(ORG, { type: 'bench.burst', data: { seq, amount: seq * 10, note: 'x'.repeat(200) } });
    });
    const publishMs = performance.now() - started;
    console.log(
      `${'publishEvent (outbox: event, delivery, job)'.padEnd(44)} ${EVENTS} in ${(publishMs / 1000).toFixed(2)} s  ` +
        `${((EVENTS / publishMs) * 1000).toFixed(0)}/s`,
    );

    let done = receiver.expect(EVENTS);
    started = performance.now();
    worker = await startService(serviceConfig(database.url, 'worker', key), pino({ level: 'silent' }));
    await done;
    const ours = drainReport('service: drain the backlog', receiver, performance.now() - started);

    // Steady load with both running: 200 events/s for 10 s, publish to receive.
    sentAt = new Map();
    const steadyCount = STEADY_RATE * STEADY_SECONDS;
    done = receiver.expect(steadyCount);
    started = performance.now();
    // Open loop at the target rate, but never more than MAX_IN_FLIGHT publishes waiting for the
    // pool: an overloaded machine then falls behind schedule (and the latency shows it) instead of
    // failing publishes on pool timeouts. Publishes that start late are counted and printed.
    const inFlight = new Set<Promise<unknown>>();
    let late = 0;
    for (let seq = 0; seq < steadyCount; seq++) {
      const due = started + (seq * 1000) / STEADY_RATE;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      if (performance.now() - due > 100) late++;
      sentAt.set(seq, Date.now());
      const publishing = eventPublisher.publish(ORG, { type: 'bench.steady', data: { seq, amount: seq, note: 'x'.repeat(200) } });
      inFlight.add(publishing);
      void publishing.finally(() => inFlight.delete(publishing));
    }
    await done;
    if (late) console.log(`  (${late} of ${steadyCount} publishes started over 100 ms behind schedule: the publisher could not keep the rate)`);
    report(`service: steady ${STEADY_RATE} events/s`, sentAt, receiver, performance.now() - started);

    // Baseline: the same backlog as bare pg-boss jobs, drained by a send/work loop POSTing the
    // same bodies with the same batch size and worker count: no outbox, signing or bookkeeping.
    const boss = worker.boss;
    await boss.createQueue('bench.baseline', { name: 'bench.baseline' });
    await inParallel(EVENTS, CONCURRENCY, async (seq) => {
      await boss.send('bench.baseline', {
        id: `evt_${seq}`,
        type: 'bench.burst',
        timestamp: new Date().toISOString(),
        data: { seq, amount: seq * 10, note: 'x'.repeat(200) },
      });
    });
    const agent = new Agent({ connections: 128 });
    done = receiver.expect(EVENTS);
    started = performance.now();
    for (let w = 0; w < 2; w++) {
      const id: string = await boss.work('bench.baseline', { batchSize: 50, pollingIntervalSeconds: 0.5 }, async (jobs: any[]) => {
        await Promise.all(
          jobs.map((job) =>
            undiciFetch(targetUrl, { method: 'POST', body: JSON.stringify(job.data), headers: { 'content-type': 'application/json' }, dispatcher: agent }).then(
              (r) => r.arrayBuffer(),
            ),
          ),
        );
        if (jobs.length >= 50) boss.notifyWorker(id);
      });
    }
    await done;
    const base = drainReport('baseline: bare pg-boss send/work', receiver, performance.now() - started);
    result({
      name: 'webhook deliveries, draining a backlog',
      value: ours,
      unit: 'deliveries/s',
      goal: '>= 1,000 and >= 0.5x baseline',
      met: ours >= 1000 && ours / base >= 0.5,
      baseline: base,
      baselineName: 'bare pg-boss send/work POSTing',
    });
    console.log(`ratio service/baseline: ${(ours / base).toFixed(2)}  (goals: >= 1,000 deliveries/s, ratio >= 0.5, steady p99 < 1,000 ms)`);
    await boss.offWork('bench.baseline');
    await agent.close();
  } finally {
    await worker?.stop();
    await api.stop();
    await receiver.close();
    await database.dispose();
  }
}

/** The drain rate from the first delivery received to the last (a worker's start-up is not delivery time). */
function drainReport(name: string, receiver: Receiver, _totalMs: number): number {
  const times = [...receiver.seen.values()];
  const ms = Math.max(...times) - Math.min(...times);
  const rate = (receiver.seen.size / ms) * 1000;
  console.log(`${name.padEnd(44)} ${receiver.seen.size} in ${(ms / 1000).toFixed(2)} s  ${rate.toFixed(0)} deliveries/s`);
  return rate;
}

runBench('bench:webhooks', main, 10 * 60_000);
