import { externalModifiedAt, sameValue, threeWayMerge, MergeInput } from '../src/sync/engine/three-way-merge';
import { ConflictResolution } from '../src/sync/sync.enums';

const T0 = new Date('2025-01-01T00:00:00Z');
const LATER = new Date('2025-01-02T00:00:00Z');
const RUN = new Date('2025-01-03T00:00:00Z');

const input = (over: Partial<MergeInput>): MergeInput => ({
  base: { name: 'Acme', email: 'a@acme.test', phone: '+1' },
  source: { name: 'Acme', email: 'a@acme.test', phone: '+1' },
  target: { name: 'Acme', email: 'a@acme.test', phone: '+1' },
  fields: ['name', 'email', 'phone'],
  strategy: ConflictResolution.SOURCE_WINS,
  sourceModifiedAt: null,
  targetModifiedAt: T0,
  observedAt: RUN,
  ...over,
});

describe('threeWayMerge', () => {
  it('does nothing when neither side changed', () => {
    const r = threeWayMerge(input({}));
    expect(r).toEqual({ toTarget: {}, toSource: {}, snapshot: { name: 'Acme', email: 'a@acme.test', phone: '+1' }, conflicts: [], held: [] });
  });

  it('carries a change on one side to the other, field by field', () => {
    const r = threeWayMerge(
      input({ source: { name: 'Acme Inc', email: 'a@acme.test', phone: '+1' }, target: { name: 'Acme', email: 'b@acme.test', phone: '+1' } }),
    );
    expect(r.toTarget).toEqual({ name: 'Acme Inc' });
    expect(r.toSource).toEqual({ email: 'b@acme.test' });
    expect(r.snapshot).toEqual({ name: 'Acme Inc', email: 'b@acme.test', phone: '+1' });
    expect(r.conflicts).toEqual([]);
  });

  it('is no conflict when both sides changed a field to the same value', () => {
    const r = threeWayMerge(input({ source: { name: 'Same' }, target: { name: 'Same' }, fields: ['name'] }));
    expect(r).toMatchObject({ toTarget: {}, toSource: {}, snapshot: { name: 'Same' }, conflicts: [] });
  });

  it('treats absent and null alike, and a field absent everywhere as nothing', () => {
    const r = threeWayMerge(
      input({ base: { name: 'A', fax: null }, source: { name: 'A' }, target: { name: 'A', fax: null }, fields: ['name', 'fax', 'website'] }),
    );
    expect(r.toTarget).toEqual({});
    expect(r.toSource).toEqual({});
    expect(r.snapshot).toEqual({ name: 'A', fax: null });
    expect(sameValue(undefined, null)).toBe(true);
    expect(sameValue({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
  });

  const both = { source: { name: 'From Stripe', email: 'a@acme.test', phone: '+2' }, target: { name: 'From HotCRM', email: 'c@acme.test', phone: '+1' } };

  it('SOURCE_WINS keeps the external value; other fields still merge', () => {
    const r = threeWayMerge(input({ ...both, strategy: ConflictResolution.SOURCE_WINS }));
    expect(r.toTarget).toEqual({ name: 'From Stripe', phone: '+2' });
    expect(r.toSource).toEqual({ email: 'c@acme.test' });
    expect(r.conflicts).toEqual([{ field: 'name', base: 'Acme', source: 'From Stripe', target: 'From HotCRM' }]);
    expect(r.held).toEqual([]);
  });

  it('TARGET_WINS keeps HotCRM’s value', () => {
    const r = threeWayMerge(input({ ...both, strategy: ConflictResolution.TARGET_WINS }));
    expect(r.toTarget).toEqual({ phone: '+2' });
    expect(r.toSource).toEqual({ name: 'From HotCRM', email: 'c@acme.test' });
    expect(r.snapshot.name).toBe('From HotCRM');
    expect(r.conflicts).toHaveLength(1);
  });

  it('LAST_WRITE_WINS compares modification times; without an external time the run start stands in', () => {
    const crmNewer = threeWayMerge(input({ ...both, strategy: ConflictResolution.LAST_WRITE_WINS, sourceModifiedAt: T0, targetModifiedAt: LATER }));
    expect(crmNewer.snapshot.name).toBe('From HotCRM');
    const externalNewer = threeWayMerge(input({ ...both, strategy: ConflictResolution.LAST_WRITE_WINS, sourceModifiedAt: LATER, targetModifiedAt: T0 }));
    expect(externalNewer.snapshot.name).toBe('From Stripe');
    const tie = threeWayMerge(input({ ...both, strategy: ConflictResolution.LAST_WRITE_WINS, sourceModifiedAt: T0, targetModifiedAt: T0 }));
    expect(tie.snapshot.name).toBe('From Stripe');
    // No external time (Stripe customers): seen at the run's start, so a CRM edit before it loses...
    expect(threeWayMerge(input({ ...both, strategy: ConflictResolution.LAST_WRITE_WINS, targetModifiedAt: LATER })).snapshot.name).toBe('From Stripe');
    // ...and one made during the run wins.
    const during = new Date(RUN.getTime() + 1000);
    expect(threeWayMerge(input({ ...both, strategy: ConflictResolution.LAST_WRITE_WINS, targetModifiedAt: during })).snapshot.name).toBe('From HotCRM');
  });

  it('MANUAL holds the field: no writes for it, base kept, other fields proceed', () => {
    const r = threeWayMerge(input({ ...both, strategy: ConflictResolution.MANUAL }));
    expect(r.held).toEqual([{ field: 'name', base: 'Acme', source: 'From Stripe', target: 'From HotCRM' }]);
    expect(r.toTarget).toEqual({ phone: '+2' });
    expect(r.toSource).toEqual({ email: 'c@acme.test' });
    expect(r.snapshot).toEqual({ name: 'Acme', email: 'c@acme.test', phone: '+2' });
  });

  it('with no base every differing field is a conflict', () => {
    const r = threeWayMerge(input({ base: null, source: { name: 'X' }, target: { name: 'Y' }, fields: ['name'], strategy: ConflictResolution.MANUAL }));
    expect(r.held).toEqual([{ field: 'name', base: null, source: 'X', target: 'Y' }]);
    expect(r.snapshot).toEqual({});
  });
});

describe('externalModifiedAt', () => {
  it('reads updated-style fields in seconds, milliseconds or ISO, and ignores creation times', () => {
    expect(externalModifiedAt({ updated: 1_700_000_000 })).toEqual(new Date(1_700_000_000_000));
    expect(externalModifiedAt({ updated_at: 1_700_000_000_123 })).toEqual(new Date(1_700_000_000_123));
    expect(externalModifiedAt({ lastModifiedDateTime: '2025-01-02T00:00:00Z' })).toEqual(LATER);
    expect(externalModifiedAt({ updated_at: '1700000000' })).toEqual(new Date(1_700_000_000_000));
    expect(externalModifiedAt({ created: 1_700_000_000 })).toBeNull();
    expect(externalModifiedAt({ updated: 'not a date' })).toBeNull();
  });
});
