// How each kind of personal data is shown to someone without the unmask permission, following
// the masking conventions of Chinese banks (JR/T 0171): phone 138****5678, ID card and bank card
// keep the first and last four digits, a name keeps its first character, an address keeps its
// first six characters (province and city). Never reveals more than that for any input length.

export const SENSITIVE_KINDS = ['phone', 'id_card', 'bank_card', 'name', 'address'] as const;
export type SensitiveKind = (typeof SENSITIVE_KINDS)[number];

/** Keeps `head` leading and `tail` trailing characters and stars the rest (by code point). */
function keepEnds(value: string, head: number, tail: number): string {
  const chars = [...value];
  // Too short to show the ends without showing most of the value: star everything.
  if (chars.length <= head + tail) return '*'.repeat(chars.length);
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(-tail).join('');
}

export function maskValue(kind: SensitiveKind, value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value).trim();
  if (text === '') return '';
  switch (kind) {
    case 'phone': {
      // 4 stars whatever the length, so the length of the hidden part leaks nothing either.
      const chars = [...text];
      if (chars.length < 8) return '*'.repeat(chars.length);
      return `${chars.slice(0, 3).join('')}****${chars.slice(-4).join('')}`;
    }
    case 'id_card':
    case 'bank_card':
      return keepEnds(text, 4, 4);
    case 'name': {
      const chars = [...text];
      return chars.length === 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
    }
    case 'address': {
      const chars = [...text];
      return chars.length <= 6
        ? `${chars.slice(0, Math.max(0, chars.length - 2)).join('')}****`
        : `${chars.slice(0, 6).join('')}****`;
    }
  }
}
