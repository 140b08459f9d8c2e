import { Severity } from '../intelligence.enums';
import type { Finding } from '../intelligence.type';
import { dateProblem, fieldKind, isBlank, isValidEmail, isValidPhone, normalizeName } from './field-checks';
import type { SampledRecord } from '../sql/record-sample';

/** A null-rate jump compares groups of at least this many records; fewer is anecdote. */
const MIN_GROUP = 10;
/** Empty on at least half the latest run's records, and 30 points more often than before. */
const NULL_RATE_FLOOR = 0.5;
const NULL_RATE_JUMP = 0.3;
const MAX_NULL_FINDINGS = 10;

const pct = (r: number) => `${Math.round(r * 100)} %`;
const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

type Check = { code: string; title: string; fix: string; severity: Severity; problem: (field: string, value: unknown) => string | null };

const CHECKS: Record<'email' | 'phone' | 'date', Check> = {
  email: {
    code: 'INVALID_EMAIL',
    title: 'Invalid email addresses',
    severity: Severity.WARNING,
    fix:
      'Fix the addresses at the source, or add a TRIM/LOWERCASE transform when stray spaces or case are the only problem; ' +
      'records with no valid address cannot be matched or emailed.',
    problem: (_f, v) => (typeof v === 'string' && isValidEmail(v) ? null : 'not a valid address'),
  },
  phone: {
    code: 'INVALID_PHONE',
    title: 'Invalid phone numbers',
    severity: Severity.WARNING,
    fix:
      'Add a PHONE_E164 transform to the mapping rule (with the default country in its params) so numbers are normalised; ' +
      'values with letters or too few digits need fixing at the source.',
    problem: (_f, v) => (typeof v === 'string' && isValidPhone(v) ? null : 'not a phone number (7 to 15 digits)'),
  },
  date: {
    code: 'INVALID_DATE',
    title: 'Invalid dates',
    severity: Severity.ERROR,
    fix: 'Add a DATE_FORMAT transform to the mapping rule (from Unix seconds or the source format to ISO 8601).',
    problem: (f, v) => dateProblem(f, v),
  },
};

/**
 * Data-quality findings on a sample of the records a config synced: values that are not what
 * their field holds (emails, phones, dates), fields that went empty with the latest run, and
 * duplicates by email or name. `latestRunStart` splits the sample into the records the latest
 * completed run wrote and those synced before it.
 */
export function dataQualityFindings(sample: readonly SampledRecord[], latestRunStart: Date | null): Finding[] {
  const findings = [...invalidValues(sample), ...nullRateJumps(sample, latestRunStart), ...duplicates(sample)];
  const rank = { CRITICAL: 0, ERROR: 1, WARNING: 2, INFO: 3 };
  return findings.sort((a, b) => rank[a.severity] - rank[b.severity] || b.occurrences - a.occurrences);
}

function invalidValues(sample: readonly SampledRecord[]): Finding[] {
  const found = new Map<string, { count: number; fields: Set<string>; sample: string }>();
  for (const record of sample) {
    for (const [field, value] of Object.entries(record.data)) {
      const kind = fieldKind(field);
      if (kind === 'other' || isBlank(value)) continue;
      const problem = CHECKS[kind].problem(field, value);
      if (!problem) continue;
      const entry = found.get(kind) ?? {
        count: 0,
        fields: new Set<string>(),
        sample: `${record.object} ${shortId(record.internalId)}: ${field} = ${JSON.stringify(value).slice(0, 80)} (${problem})`,
      };
      entry.count++;
      entry.fields.add(field);
      found.set(kind, entry);
    }
  }
  return [...found.entries()].map(([kind, entry]) => {
    const check = CHECKS[kind as keyof typeof CHECKS];
    return {
      severity: check.severity,
      code: check.code,
      title: check.title,
      explanation: `${entry.count} of the ${sample.length} most recently synced records hold an invalid value in ${[...entry.fields].join(', ')}.`,
      suggestedFix: check.fix,
      occurrences: entry.count,
      sample: entry.sample,
    };
  });
}

function nullRateJumps(sample: readonly SampledRecord[], latestRunStart: Date | null): Finding[] {
  if (!latestRunStart) return [];
  const latest = sample.filter((r) => r.lastSyncedAt && r.lastSyncedAt >= latestRunStart);
  const earlier = sample.filter((r) => !r.lastSyncedAt || r.lastSyncedAt < latestRunStart);
  if (latest.length < MIN_GROUP || earlier.length < MIN_GROUP) return [];
  const fields = new Set(sample.flatMap((r) => Object.keys(r.data)));
  const blankRate = (group: readonly SampledRecord[], field: string) => group.filter((r) => isBlank(r.data[field])).length / group.length;
  const jumps: Finding[] = [];
  for (const field of fields) {
    const now = blankRate(latest, field);
    const before = blankRate(earlier, field);
    if (now < NULL_RATE_FLOOR || now - before < NULL_RATE_JUMP) continue;
    jumps.push({
      severity: Severity.WARNING,
      code: 'NULL_RATE_JUMP',
      title: `'${field}' went empty`,
      explanation:
        `'${field}' is empty on ${pct(now)} of the ${latest.length} records the latest run synced, ` +
        `against ${pct(before)} of the ${earlier.length} synced before: ` +
        'the source stopped sending it, or its mapping rule no longer finds it.',
      suggestedFix:
        `Check the mapping rule for '${field}' (a renamed source field or a changed dot path), ` +
        'and whether the connection still has the scope that exposes it.',
      occurrences: Math.round(now * latest.length),
      sample: `${before === 0 ? 'always' : pct(1 - before)} filled before, ${pct(1 - now)} filled now`,
    });
  }
  return jumps.sort((a, b) => b.occurrences - a.occurrences).slice(0, MAX_NULL_FINDINGS);
}

function duplicates(sample: readonly SampledRecord[]): Finding[] {
  const byEmail = groupBy(sample, (r) => {
    const email = r.data.email;
    return typeof email === 'string' && isValidEmail(email) ? `${r.object}:${email.trim().toLowerCase()}` : null;
  });
  const byName = groupBy(sample, (r) => {
    const name = typeof r.data.name === 'string' ? r.data.name : [r.data.first_name, r.data.last_name].filter((p) => typeof p === 'string').join(' ');
    const key = normalizeName(name);
    return key ? `${r.object}:${key}` : null;
  });
  const findings: Finding[] = [];
  const emailDupes = [...byEmail.values()].filter((g) => g.length > 1);
  if (emailDupes.length) {
    findings.push({
      severity: Severity.WARNING,
      code: 'DUPLICATE_EMAIL',
      title: 'Records sharing an email address',
      explanation:
        `${emailDupes.length} email address${emailDupes.length === 1 ? ' is' : 'es are'} ` +
        `shared by ${emailDupes.reduce((n, g) => n + g.length, 0)} synced records: ` +
        'the source holds the same person or company more than once, or two external records were linked to separate CRM records.',
      suggestedFix:
        'Merge the duplicates in the source or the CRM; then keep one link per person ' +
        '(the sync keys links on the external id, so a merged source record re-links on the next run).',
      occurrences: emailDupes.reduce((n, g) => n + g.length - 1, 0),
      sample: `${emailDupes[0][0].data.email} × ${emailDupes[0].length}`,
    });
  }
  const nameDupes = [...byName.values()].filter((g) => g.length > 1);
  if (nameDupes.length) {
    const first = nameDupes[0][0].data;
    findings.push({
      severity: Severity.INFO,
      code: 'DUPLICATE_NAME',
      title: 'Records sharing a name',
      explanation:
        `${nameDupes.length} name${nameDupes.length === 1 ? ' is' : 's are'} shared by ${nameDupes.reduce((n, g) => n + g.length, 0)} synced records ` +
        '(ignoring case, punctuation and legal suffixes). Some may be distinct namesakes; same name and same email are almost surely one.',
      suggestedFix: 'Review the pairs and merge real duplicates; a dedupe rule at the source stops new ones.',
      occurrences: nameDupes.reduce((n, g) => n + g.length - 1, 0),
      sample: `${String(first.name ?? [first.first_name, first.last_name].join(' '))} × ${nameDupes[0].length}`,
    });
  }
  return findings;
}

function groupBy(sample: readonly SampledRecord[], key: (r: SampledRecord) => string | null): Map<string, SampledRecord[]> {
  const groups = new Map<string, SampledRecord[]>();
  for (const record of sample) {
    const k = key(record);
    if (!k) continue;
    const group = groups.get(k);
    if (group) group.push(record);
    else groups.set(k, [record]);
  }
  return groups;
}
