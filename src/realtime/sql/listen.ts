import type { Client } from 'pg';

type Session = Pick<Client, 'query'>;

/** Subscribes this session to a channel; the name is the service's own constant, never input. */
export async function listen(session: Session, channel: string): Promise<void> {
  await session.query(`LISTEN "${channel}"`);
}

/** Whether the session still listens: a pooler or a restart can drop LISTEN silently. */
export async function isListening(session: Session, channel: string): Promise<boolean> {
  const { rowCount } = await session.query('SELECT 1 FROM pg_listening_channels() AS c WHERE c = $1', [channel]);
  return Boolean(rowCount);
}
