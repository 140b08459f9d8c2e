import { Repeater } from '@repeaterjs/repeater';
import createSubscriber, { Subscriber } from 'pg-listen';
import type { Logger } from 'pino';
import { ChangeNotice, ChangeTopic, CHANGES_CHANNEL, isChangeNotice } from './change-notice';

type Listener = (notice: ChangeNotice) => void;

/** Anything that can run SQL: a DataSource, an EntityManager inside a transaction, a pg client. */
export interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Postgres LISTEN/NOTIFY as the one pubsub of every replica: a worker's NOTIFY reaches the
 * graphql-ws clients of every api process. pg-listen keeps one dedicated connection, reconnects
 * after a database restart and re-issues LISTEN.
 */
export class PgPubSub {
  private readonly subscriber: Subscriber;
  private readonly listeners = new Map<ChangeTopic, Set<Listener>>();

  constructor(databaseUrl: string, private readonly log: Logger) {
    this.subscriber = createSubscriber(
      { connectionString: databaseUrl },
      {
        paranoidChecking: 5_000,
        retryInterval: (attempt) => Math.min(250 * 2 ** attempt, 5_000),
        // Keep trying for as long as the process lives: a database restart must not end realtime.
        retryTimeout: Number.MAX_SAFE_INTEGER,
      },
    );
    this.subscriber.notifications.on(CHANGES_CHANNEL, (payload: unknown) => this.dispatch(payload));
    this.subscriber.events.on('error', (error) => this.log.error({ err: error.message }, 'LISTEN connection failed'));
    this.subscriber.events.on('reconnect', (attempt) => this.log.warn({ attempt }, 'LISTEN connection lost; reconnecting'));
  }

  async start(): Promise<void> {
    await this.subscriber.connect();
    await this.subscriber.listenTo(CHANGES_CHANNEL);
  }

  async close(): Promise<void> {
    await this.subscriber.close();
  }

  /** Publishes through `executor`; inside a transaction the NOTIFY is delivered only on commit. */
  static async notify(executor: SqlExecutor, notice: ChangeNotice): Promise<void> {
    await executor.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, JSON.stringify(notice)]);
  }

  /** An async iterator of one topic's notices that pass `filter`, ended when the client leaves. */
  subscribe(topic: ChangeTopic, filter: (notice: ChangeNotice) => boolean): AsyncIterable<ChangeNotice> {
    return new Repeater<ChangeNotice>(async (push, stop) => {
      const listener: Listener = (notice) => {
        if (filter(notice)) void push(notice);
      };
      const set = this.listeners.get(topic) ?? new Set<Listener>();
      set.add(listener);
      this.listeners.set(topic, set);
      await stop;
      set.delete(listener);
    });
  }

  listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  private dispatch(payload: unknown): void {
    if (!isChangeNotice(payload)) {
      this.log.warn('ignoring malformed change notice');
      return;
    }
    for (const listener of this.listeners.get(payload.topic) ?? []) listener(payload);
  }
}
