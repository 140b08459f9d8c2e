import {
  Metadata,
  parseIncompletePhoneNumber,
  parsePhoneNumberFromString as parseWithMetadata,
  PhoneNumber,
  type CountryCode,
  type MetadataJson,
} from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/min/metadata';

/**
 * PHONE_E164 without the costly part of libphonenumber-js's parse when it cannot matter.
 *
 * Where countries share a calling code (+1: the US, Canada and 23 others), the library finds a
 * number's country by trying each country's number patterns in turn: most of a parse's time
 * (about 18 µs of 20 for a number no pattern matches, like a 555 area code). The E.164 form does
 * not depend on that country: the national number is extracted before it. Only the "possible"
 * verdict does, and only through the country's possible lengths. So, for a number written
 * internationally: parse with metadata that lists one country per calling code (no search), and
 * when every country of the code gives the same verdict for the number's length (a 10-digit +1
 * number is possible in all of them), that answer is exactly the library's. Otherwise, and
 * wherever the search could also decide whether a national prefix is stripped (digits that begin
 * like one, a national number, an extension), the full parse decides. Checked against the full
 * parse on 600,000 generated numbers of every calling code (test/mapping.transforms.test.ts has
 * the edge cases).
 */
const full = metadata as unknown as MetadataJson;
const codes = (full as unknown as { country_calling_codes: Record<string, CountryCode[]> }).country_calling_codes;
const mainCountryOnly = {
  ...full,
  country_calling_codes: Object.fromEntries(Object.entries(codes).map(([code, countries]) => [code, countries.slice(0, 1)])),
} as unknown as MetadataJson;

/** Per shared calling code and national-number length: the verdict all its countries agree on, or null. */
const agreed = new Map<string, boolean | null>();

function agreedVerdict(callingCode: string, countries: CountryCode[], length: number): boolean | null {
  const key = `${callingCode}|${length}`;
  let verdict = agreed.get(key);
  if (verdict === undefined) {
    // isPossible reads only the length and the country's plan, so any digits of this length do.
    const verdicts = new Set(
      countries.map((country) => {
        // The core build's PhoneNumber takes the metadata as a third argument its types omit.
        const number = new (PhoneNumber as unknown as new (code: string, national: string, metadata: MetadataJson) => PhoneNumber)(
          callingCode,
          '9'.repeat(length),
          full,
        );
        number.country = country;
        return number.isPossible();
      }),
    );
    verdict = verdicts.size === 1 ? [...verdicts][0] : null;
    agreed.set(key, verdict);
  }
  return verdict;
}

/** Per calling code, its main country's national prefix as the parser matches it (null: none). */
const prefixes = new Map<string, RegExp | null>();

function nationalPrefix(callingCode: string): RegExp | null {
  let prefix = prefixes.get(callingCode);
  if (prefix === undefined) {
    const plan = new Metadata(full) as unknown as {
      selectNumberingPlan(code: string): void;
      numberingPlan: { nationalPrefixForParsing(): string | undefined };
    };
    plan.selectNumberingPlan(callingCode);
    const pattern = plan.numberingPlan.nationalPrefixForParsing();
    prefix = pattern ? new RegExp(`^(?:${pattern})`) : null;
    prefixes.set(callingCode, prefix);
  }
  return prefix;
}

/** The number in E.164, or null when it is not a possible phone number (for `defaultCountry` when national). */
export function parseE164(text: string, defaultCountry?: CountryCode): string | null {
  const quick = text.startsWith('+') ? parseWithMetadata(text, { defaultCountry }, mainCountryOnly) : undefined;
  const code = quick?.countryCallingCode;
  const countries = code ? codes[code] : undefined;
  const plain =
    quick && !quick.ext && parseIncompletePhoneNumber(text) === `+${code}${quick.nationalNumber}` && !nationalPrefix(code!)?.test(quick.nationalNumber);
  if (plain && countries) {
    // One country for the code: the library would pick it without searching either.
    const verdict = countries.length > 1 ? agreedVerdict(code!, countries, quick.nationalNumber.length) : quick.isPossible();
    if (verdict !== null) return verdict ? quick.format('E.164') : null;
  }
  const parsed = parseWithMetadata(text, { defaultCountry }, full);
  return parsed && parsed.isPossible() ? parsed.format('E.164') : null;
}
