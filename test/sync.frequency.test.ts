import { BadUserInputError } from '../src/errors';
import { nextRunAt, parseFrequency } from '../src/sync/schedule/frequency';

/** Frequencies a SyncConfig accepts, and when each next runs (all UTC). */
describe('parseFrequency and nextRunAt', () => {
  // Wednesday 2026-03-04 10:17:30.250 UTC
  const from = new Date('2026-03-04T10:17:30.250Z');
  const next = (frequency: string, at = from) => nextRunAt(parseFrequency(frequency), at)?.toISOString() ?? null;

  it.each([
    ['manual', null],
    ['realtime', '2026-03-04T10:18:30.250Z'],
    ['hourly', '2026-03-04T11:00:00.000Z'],
    ['daily', '2026-03-05T00:00:00.000Z'],
    ['weekly', '2026-03-09T00:00:00.000Z'],
    ['every 15 m', '2026-03-04T10:32:30.250Z'],
    ['every 15m', '2026-03-04T10:32:30.250Z'],
    ['every 1m', '2026-03-04T10:18:30.250Z'],
    ['every 1440m', '2026-03-05T10:17:30.250Z'],
    ['every 2h', '2026-03-04T12:17:30.250Z'],
    ['every 2 h', '2026-03-04T12:17:30.250Z'],
    ['every 168h', '2026-03-11T10:17:30.250Z'],
    ['*/5 * * * *', '2026-03-04T10:20:00.000Z'],
    ['0 9 * * 1-5', '2026-03-05T09:00:00.000Z'],
    ['30 2 1 * *', '2026-04-01T02:30:00.000Z'],
    ['  Daily  ', '2026-03-05T00:00:00.000Z'],
  ])('%s → %s', (frequency, expected) => {
    expect(next(frequency)).toBe(expected);
  });

  it('parses into a schedule the scheduler can read', () => {
    expect(parseFrequency('manual')).toEqual({ kind: 'manual' });
    expect(parseFrequency('realtime')).toEqual({ kind: 'realtime', intervalMinutes: 1 });
    expect(parseFrequency('every 90m')).toEqual({ kind: 'interval', intervalMinutes: 90 });
    expect(parseFrequency('every 3h')).toEqual({ kind: 'interval', intervalMinutes: 180 });
    expect(parseFrequency('0  0 * * 0')).toEqual({ kind: 'cron', expression: '0 0 * * 0' });
  });

  it('runs strictly after `from` at a boundary', () => {
    expect(next('hourly', new Date('2026-03-04T10:00:00.000Z'))).toBe('2026-03-04T11:00:00.000Z');
    expect(next('daily', new Date('2026-03-05T00:00:00.000Z'))).toBe('2026-03-06T00:00:00.000Z');
    // Monday midnight → the Monday after; Sunday night → the next day.
    expect(next('weekly', new Date('2026-03-09T00:00:00.000Z'))).toBe('2026-03-16T00:00:00.000Z');
    expect(next('weekly', new Date('2026-03-08T23:59:59.000Z'))).toBe('2026-03-09T00:00:00.000Z');
    expect(next('0 0 * * *', new Date('2026-03-05T00:00:00.000Z'))).toBe('2026-03-06T00:00:00.000Z');
  });

  it.each([
    'sometimes',
    'every 0m',
    'every 1441m',
    'every 169h',
    'every 5d',
    'every m',
    '61 * * * *',
    '0 24 * * *',
    '5-1 * * * *',
    '* * * *',
    '0 0 * * * *',
    '@daily',
    '',
  ])('refuses %p with the field', (frequency) => {
    for (const field of ['frequency', 'input.frequency']) {
      let thrown: unknown;
      try {
        parseFrequency(frequency, field);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(BadUserInputError);
      expect((thrown as BadUserInputError).code).toBe('BAD_USER_INPUT');
      expect((thrown as BadUserInputError).field).toBe(field);
    }
  });
});
