import type { DataSource } from 'typeorm';
import { ConnectionEntity } from '../connections/connection.entity';
import { isUuid } from '../db/paginate';
import { BadUserInputError, ConflictError } from '../errors';
import { countConfigLinks } from './sql/move-config-links';
import type { SyncConfigEntity } from './sync-config.entity';

/**
 * Checks `updateSyncConfig(connectionId)`: the config may move to another connection of the same
 * organization and connector. Its links carry over only when both connections reach the same
 * provider account (Connection.providerAccountId); a config with links cannot move to another
 * account, or to a connection whose account is not known yet: its links would then point HotCRM
 * records at another account's external records. A config without links moves freely.
 */
export async function checkConfigMove(db: DataSource, organizationId: string, config: SyncConfigEntity, toConnectionId: string): Promise<ConnectionEntity> {
  const repo = db.getRepository(ConnectionEntity);
  const target = isUuid(toConnectionId) ? await repo.findOne({ where: { organizationId, id: toConnectionId } }) : null;
  if (!target) throw new BadUserInputError(`connection ${toConnectionId} not found`, 'connectionId');
  const current = await repo.findOne({ where: { organizationId, id: config.connectionId } });
  if (current && target.connectorKey !== current.connectorKey) {
    throw new BadUserInputError(
      `a sync config moves only between connections of one connector (${current.connectorKey}, not ${target.connectorKey})`,
      'connectionId',
    );
  }
  const sameAccount = !!current?.providerAccountId && current.providerAccountId === target.providerAccountId;
  if (!sameAccount) {
    const links = await countConfigLinks(db, organizationId, config.id);
    if (links) {
      throw new ConflictError(
        `sync config ${config.id} has ${links} links to ${current?.providerAccountId ?? 'an unknown account'}; ` +
          `connection ${target.id} reaches ${target.providerAccountId ?? 'an account not known yet'}, so they cannot carry over`,
      );
    }
  }
  return target;
}
