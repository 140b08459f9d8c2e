import { ConflictResolution } from '../sync.enums';
import { contentHash } from './record-identity';

/**
 * The per-field three-way compare of a bidirectional sync (DESIGN.md section 4). All values are in
 * HotCRM's terms (CRM field names, mapped from the external record): the base is what both sides
 * held after the last sync (the link's lastSyncedData), the source is the external record now,
 * the target is the CRM record now. Pure: no I/O, so every rule is unit-tested on its own.
 */
export interface MergeInput {
  base: Record<string, unknown> | null;
  source: Record<string, unknown>;
  target: Record<string, unknown>;
  /** The fields to compare (the mapping's CRM fields); other fields are not the sync's business. */
  fields: string[];
  strategy: ConflictResolution;
  /**
   * When the external record last changed, or null when the provider does not say (see
   * externalModifiedAt). LAST_WRITE_WINS then takes `observedAt` instead: the external change was
   * seen no later than the run's start.
   */
  sourceModifiedAt: Date | null;
  /** When the CRM record last changed (its last_modified_date). */
  targetModifiedAt: Date;
  /** The run's start: the stand-in for an external modification time the provider does not give. */
  observedAt: Date;
}

export interface FieldConflict {
  field: string;
  base: unknown;
  source: unknown;
  target: unknown;
}

export interface MergeResult {
  /** Fields to write into the CRM record (values differ from the target's). */
  toTarget: Record<string, unknown>;
  /** Fields to write to the external record, in CRM terms (values differ from the source's). */
  toSource: Record<string, unknown>;
  /** The new lastSyncedData: the agreed value per field, the old base for fields held open. */
  snapshot: Record<string, unknown>;
  /** Every field changed on both sides to different values, however it was settled. */
  conflicts: FieldConflict[];
  /** The conflicts MANUAL holds open: unchanged on both sides until a person resolves them. */
  held: FieldConflict[];
}

/** Absent and null are the same to a sync (applyMapping leaves absent source paths out). */
export function sameValue(a: unknown, b: unknown): boolean {
  return contentHash(a ?? null) === contentHash(b ?? null);
}

/**
 * For each field: changed on one side only → that side's value travels to the other; changed on
 * both to the same value → nothing to do; changed on both to different values → a conflict, which
 * the strategy settles (LAST_WRITE_WINS by modification time, ties to the external side;
 * SOURCE_WINS external; TARGET_WINS HotCRM) or MANUAL holds open, leaving that field as it is on
 * both sides and its base unchanged, so the next run still sees the conflict.
 */
export function threeWayMerge(input: MergeInput): MergeResult {
  const base = input.base ?? {};
  const result: MergeResult = { toTarget: {}, toSource: {}, snapshot: {}, conflicts: [], held: [] };
  for (const field of input.fields) {
    const b = base[field];
    const s = input.source[field];
    const t = input.target[field];
    const sourceChanged = !sameValue(s, b);
    const targetChanged = !sameValue(t, b);
    let value: unknown;
    if (sourceChanged && targetChanged && !sameValue(s, t)) {
      const conflict: FieldConflict = { field, base: b ?? null, source: s ?? null, target: t ?? null };
      result.conflicts.push(conflict);
      if (input.strategy === ConflictResolution.MANUAL) {
        result.held.push(conflict);
        if (b !== undefined) result.snapshot[field] = b;
        continue;
      }
      value = winner(input) === 'target' ? t : s;
    } else {
      value = sourceChanged ? s : t;
    }
    if (value === undefined) continue; // absent everywhere that matters: nothing to write or remember
    result.snapshot[field] = value;
    if (!sameValue(value, t)) result.toTarget[field] = value;
    if (!sameValue(value, s)) result.toSource[field] = value;
  }
  return result;
}

function winner(input: MergeInput): 'source' | 'target' {
  switch (input.strategy) {
    case ConflictResolution.TARGET_WINS:
      return 'target';
    case ConflictResolution.LAST_WRITE_WINS: {
      const sourceAt = (input.sourceModifiedAt ?? input.observedAt).getTime();
      return input.targetModifiedAt.getTime() > sourceAt ? 'target' : 'source';
    }
    default:
      return 'source';
  }
}

/** Field names providers use for a record's last modification time, most specific first. */
const MODIFIED_FIELDS = [
  'updated',
  'updated_at',
  'updatedAt',
  'updated_time',
  'modified',
  'modified_at',
  'modifiedAt',
  'last_modified',
  'lastModified',
  'lastModifiedDateTime',
  'modifiedTime',
];

/**
 * The external record's last modification time, when it carries one: a Unix time (seconds, or
 * milliseconds when large) or a date string. A creation time (Stripe customers only have
 * `created`) says nothing about later edits, so it is not used: null, and LAST_WRITE_WINS falls
 * back to the run's start.
 */
export function externalModifiedAt(record: Record<string, unknown>): Date | null {
  for (const name of MODIFIED_FIELDS) {
    const raw = record[name];
    let at: Date | null = null;
    if (typeof raw === 'number' && Number.isFinite(raw)) at = new Date(raw < 1e12 ? raw * 1000 : raw);
    else if (typeof raw === 'string' && raw.trim()) at = /^\d+$/.test(raw.trim()) ? externalModifiedAt({ [name]: Number(raw) }) : new Date(raw);
    if (at && !Number.isNaN(at.getTime())) return at;
  }
  return null;
}
