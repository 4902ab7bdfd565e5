/**
 * Cleaning rules for text values (CONTRACT §3): digits to ASCII, Arabic letters to Persian,
 * tatweel removed, zero-width non-joiners and spaces folded, ends trimmed.
 */

const DIGIT_MAP: Record<string, string> = {};
for (let d = 0; d <= 9; d++) {
  DIGIT_MAP[String.fromCharCode(0x06f0 + d)] = String(d); // Persian ۰–۹
  DIGIT_MAP[String.fromCharCode(0x0660 + d)] = String(d); // Arabic-Indic ٠–٩
}

const ZWNJ = '\u200c';
// Bidi marks and other invisible format characters Excel and Word leave behind.
const INVISIBLE = /[\u200b\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]/g;

/** Persian and Arabic-Indic digits become ASCII digits; `٫` becomes a decimal point. */
export function asciiDigits(value: string): string {
  return value.replace(/[\u06f0-\u06f9\u0660-\u0669]/g, (c) => DIGIT_MAP[c] ?? c).replace(/\u066b/g, '.');
}

/** The cleaned form of a text value, as stored in the warehouse. */
export function normaliseText(value: string): string {
  return asciiDigits(value)
    .replace(/[\u064a\u0649]/g, '\u06cc') // Arabic yeh and alef maksura → Persian yeh
    .replace(/\u0643/g, '\u06a9') // Arabic kaf → Persian keheh
    .replace(/\u0640/g, '') // tatweel
    .replace(INVISIBLE, '')
    .replace(/[\t\r\n\u00a0\u2000-\u200a\u202f\u205f\u3000 ]+/g, ' ')
    .replace(/ ?\u200c[\u200c ]*/g, (run) => (run.includes(' ') ? ' ' : ZWNJ))
    .trim()
    .replace(new RegExp(`^${ZWNJ}+|${ZWNJ}+$`, 'g'), '');
}

/** The key a code, name or alias is matched by: cleaned, lower case, without spaces or ZWNJ. */
export function matchKey(value: string): string {
  return normaliseText(value).toLowerCase().replace(/[\s\u200c]+/g, '');
}

/** Edit distance between two strings (for "did you mean" suggestions). */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** The valid name nearest to `name`, when it is near enough to be a slip. */
export function nearest(name: string, valid: string[]): string | undefined {
  const scored = valid.map((v) => ({ v, d: editDistance(name.toLowerCase(), v.toLowerCase()) })).sort((a, b) => a.d - b.d);
  const best = scored[0];
  return best && best.d <= Math.max(1, Math.floor(best.v.length / 3)) ? best.v : undefined;
}

/** Characters that make a spreadsheet treat a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell value made safe for Excel: a leading formula character is escaped with a quote. */
export function spreadsheetSafe(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}
