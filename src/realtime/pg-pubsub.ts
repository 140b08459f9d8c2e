import { Repeater } from '@repeaterjs/repeater';
import type { Logger } from 'pino';
import { ChangeNotice, ChangeTopic, CHANGES_CHANNEL, isChangeNotice } from './change-notice';
import { PgListener } from './pg-listener';
import type { Queryable } from '../db/sql/queryable';
import { notify } from './sql/notify';

type Listener = (notice: ChangeNotice) => void;

/**
 * Postgres LISTEN/NOTIFY as the one pubsub of every replica: a worker's NOTIFY reaches the
 * graphql-ws clients of every api process. The listener reconnects after a database restart and
 * re-issues LISTEN.
 */
export class PgPubSub {
  private readonly listener: PgListener;
  private readonly listeners = new Map<ChangeTopic, Set<Listener>>();

  constructor(
    databaseUrl: string,
    private readonly log: Logger,
  ) {
    this.listener = new PgListener(databaseUrl, CHANGES_CHANNEL, (payload) => this.dispatch(payload), log);
  }

  start(): Promise<void> {
    return this.listener.start();
  }

  close(): Promise<void> {
    return this.listener.close();
  }

  /** Publishes through `executor`; inside a transaction the NOTIFY is delivered only on commit. */
  static async notify(executor: Queryable, notice: ChangeNotice): Promise<void> {
    await notify(executor, CHANGES_CHANNEL, JSON.stringify(notice));
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

  private dispatch(raw: string): void {
    let payload: unknown;
    try {
      payload = JSON.parse(raw);
    } catch {
      payload = null;
    }
    if (!isChangeNotice(payload)) {
      this.log.warn('ignoring malformed change notice');
      return;
    }
    for (const listener of this.listeners.get(payload.topic) ?? []) listener(payload);
  }
}
