import { isListening, listen } from './sql/listen';
import { Client } from 'pg';
import type { Logger } from 'pino';

const CHECK_INTERVAL_MS = 2_000;
const MAX_BACKOFF_MS = 5_000;

/**
 * One dedicated connection that LISTENs on a channel for as long as the process lives. Any
 * failure (error, end, or a periodic check that finds the channel no longer listened to) drops the
 * connection and builds a new one with backoff, re-issuing LISTEN, so a database restart or
 * failover never silently ends realtime. pg-listen was tried first; after a reconnect whose LISTEN
 * failed it stayed connected but deaf.
 */
export class PgListener {
  private client: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private reconnecting: Promise<void> | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly onPayload: (payload: string) => void,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.connect();
    this.timer = setInterval(() => void this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.reconnecting?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'integration-listen', keepAlive: true });
    client.on('notification', (message) => {
      if (message.channel === this.channel && message.payload) this.onPayload(message.payload);
    });
    client.on('error', (error) => this.lost(client, error.message));
    client.on('end', () => this.lost(client, 'connection ended'));
    await client.connect();
    await listen(client, this.channel);
    this.client = client;
  }

  /** Confirms the channel is still listened to on a live connection; reconnects otherwise. */
  private async check(): Promise<void> {
    const client = this.client;
    if (!client || this.reconnecting || this.closed) return;
    try {
      if (!(await isListening(client, this.channel))) this.lost(client, 'channel no longer listened to');
    } catch (error) {
      this.lost(client, (error as Error).message);
    }
  }

  private lost(client: Client, reason: string): void {
    if (this.closed || client !== this.client) return;
    this.client = null;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    this.log.warn({ reason }, 'LISTEN connection lost; reconnecting');
    this.reconnecting = this.reconnect().finally(() => (this.reconnecting = null));
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.connect();
        this.log.info({ attempt }, 'LISTEN connection restored');
        return;
      } catch (error) {
        const delay = Math.min(100 * 2 ** attempt, MAX_BACKOFF_MS);
        this.log.debug({ err: (error as Error).message, delay }, 'LISTEN reconnect failed');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
