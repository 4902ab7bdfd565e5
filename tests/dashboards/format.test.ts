/** Persian digits, the bidi mark Intl puts before negatives, Jalali quarter names, exact money. */
import { describe, expect, it } from 'vitest';
import { formatNumber, formatPercent, microToDecimal, parseMicro, quarterName } from '../../dashboards/format.ts';
import { readMetricDictionary } from '../../dashboards/dictionary.ts';

describe('formats', () => {
  it('writes Persian digits and separators, without the invisible mark before a negative', () => {
    expect(formatNumber(12500, 'fa')).toBe('۱۲٬۵۰۰');
    // Intl gives "\u200e−۱۲٬۵۰۰"; the mark goes, the minus stays.
    expect(formatNumber(-12500, 'fa')).toBe('−۱۲٬۵۰۰');
    expect(formatNumber(-12500, 'fa')).not.toMatch(/[\u200e\u200f\u061c]/);
    expect(formatPercent(0.643, 'fa')).toBe('۶۴٫۳٪');
    expect(formatNumber(null, 'fa')).toBe('—');
  });

  it('names quarters as planners do', () => {
    expect(quarterName(1394, 1, 'fa')).toBe('بهار ۱۳۹۴');
    expect(quarterName(1394, 4, 'fa')).toBe('زمستان ۱۳۹۴');
    expect(quarterName(1394, 2, 'en')).toBe('Summer 1394');
  });

  it('sums money exactly, as DECIMAL(38,6) does', () => {
    // 0.1 + 0.2 million rials in floating point is 0.30000000000000004.
    const sum = (parseMicro('0.1') ?? 0n) + (parseMicro('0.2') ?? 0n);
    expect(microToDecimal(sum)).toBe('0.300000');
    expect(microToDecimal(parseMicro('-3.5')!)).toBe('-3.500000');
    expect(parseMicro(null)).toBeNull();
  });

  it('reads the metric definitions from the README dictionary', () => {
    const dictionary = readMetricDictionary('README.md');
    expect(dictionary.get('mart_absorption.absorption_gap')?.nameFa).toBe('شکاف جذب (جذب‌نشده)');
    expect(dictionary.get('mart_absorption.referred_amount')?.unit).toBe('count / million rials');
    expect(dictionary.get('mart_ndf_lines.idle_amount')?.formula).toBe('resources − disbursed (≥ 0)');
  });
});
