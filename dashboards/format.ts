/**
 * Number, money and quarter formats shared by the page and the chart functions: Persian digits
 * through Intl fa-IR, English through en-US, Jalali quarter names as planners say them.
 */
export type Lang = 'fa' | 'en';

const QUARTER_NAMES: Record<Lang, string[]> = {
  fa: ['بهار', 'تابستان', 'پاییز', 'زمستان'],
  en: ['Spring', 'Summer', 'Autumn', 'Winter'],
};

// Intl puts U+200E (LRM) or U+061C (ALM) before a negative number in fa-IR; inside an RTL line
// the mark is invisible but breaks string comparisons and copies, so it goes, and the number is
// shown in an LTR-isolated span (class "num") wherever it can be negative.
const BIDI_MARKS = /[\u200e\u200f\u061c]/g;

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(lang: Lang, digits: number): Intl.NumberFormat {
  const key = `${lang}:${digits}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang === 'fa' ? 'fa-IR' : 'en-US', {
      maximumFractionDigits: digits,
      minimumFractionDigits: 0,
    });
    formatters.set(key, f);
  }
  return f;
}

/** A number with grouping in the language's digits, at most `digits` decimals, no bidi marks. */
export function formatNumber(value: number | null | undefined, lang: Lang, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return formatter(lang, digits).format(value).replace(BIDI_MARKS, '');
}

/** Million rials shown as billion rials (میلیارد ریال) with one decimal: the unit committees use. */
export function formatBillions(millionRials: number | null | undefined, lang: Lang): string {
  if (millionRials === null || millionRials === undefined) return '—';
  return formatNumber(millionRials / 1000, lang, millionRials !== 0 && Math.abs(millionRials) < 10_000 ? 1 : 0);
}

/** A 0–1 ratio as a percentage with one decimal. */
export function formatPercent(ratio: number | null | undefined, lang: Lang): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  const text = formatNumber(ratio * 100, lang, 1);
  return lang === 'fa' ? `${text}٪` : `${text}%`;
}

/** The name of a Jalali fiscal quarter as planners say it: «بهار ۱۳۹۴», "Spring 1394". */
export function quarterName(year: number, quarter: number, lang: Lang): string {
  const season = QUARTER_NAMES[lang][quarter - 1] ?? String(quarter);
  return `${season} ${lang === 'fa' ? formatNumber(year, 'fa').replace(/٬/g, '') : year}`;
}

/** A short quarter label for axes: «بهار ۹۴», "Q1 94". */
export function quarterShort(year: number, quarter: number, lang: Lang): string {
  const yy = year % 100;
  if (lang === 'fa') return `${QUARTER_NAMES.fa[quarter - 1]} ${formatNumber(yy, 'fa')}`;
  return `Q${quarter} ${yy}`;
}

/** ASCII digits in a string (a Jalali date such as 1394/04/08) turned into Persian ones for fa. */
export function localDigits(text: string, lang: Lang): string {
  if (lang === 'en') return text;
  return text.replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
}

/** Exact decimal arithmetic on money: million rials as BigInt micro-units (10⁻⁶), like DECIMAL(38,6). */
export const MICRO = 1_000_000n;

/** Parses a DECIMAL rendered as text ("12.5", "-3.000000") into micro-units; NULL stays null. */
export function parseMicro(text: string | null | undefined): bigint | null {
  if (text === null || text === undefined || text === '') return null;
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const micro = BigInt(whole) * MICRO + BigInt((fraction + '000000').slice(0, 6));
  return negative ? -micro : micro;
}

/** Micro-units back to DuckDB's VARCHAR form of a DECIMAL(…,6): "8516370.000000". */
export function microToDecimal(micro: bigint): string {
  const negative = micro < 0n;
  const abs = negative ? -micro : micro;
  const whole = abs / MICRO;
  const fraction = (abs % MICRO).toString().padStart(6, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** An exact amount in million rials with grouping and every non-zero decimal, in the language's digits. */
export function formatExactMillions(micro: bigint | null, lang: Lang): string {
  if (micro === null) return '—';
  const [whole = '0', fraction = ''] = microToDecimal(micro).split('.');
  const negative = whole.startsWith('-');
  const grouped = (negative ? whole.slice(1) : whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const decimals = fraction.replace(/0+$/, '');
  const text = `${negative ? '−' : ''}${grouped}${decimals ? `.${decimals}` : ''}`;
  return lang === 'fa' ? localDigits(text.replace(/,/g, '٬').replace('.', '٫'), 'fa') : text;
}

/** Micro-units as a JavaScript number of million rials (for charts and ratios only). */
export function microToNumber(micro: bigint | null): number | null {
  return micro === null ? null : Number(micro) / 1e6;
}
