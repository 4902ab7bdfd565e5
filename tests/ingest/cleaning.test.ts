import { describe, expect, it } from 'vitest';
import { asciiDigits, matchKey, normaliseText, spreadsheetSafe } from '../../pipelines/text.ts';
import { isJalaliLeapYear, jalaliToGregorian, parseJalaliDate } from '../../pipelines/jalali.ts';
import { cleanNumberText, cleanValue, isTotalsWord } from '../../pipelines/ingest/values.ts';
import { readReferences } from '../../pipelines/reference.ts';
import { applications, projects } from '../../pipelines/schema/datasets.ts';
import { datasetFromName } from '../../pipelines/ingest/drop.ts';

const references = readReferences('data/reference');

describe('text cleaning (CONTRACT §3)', () => {
  it('turns Persian and Arabic-Indic digits into ASCII and ٫ into a decimal point', () => {
    expect(asciiDigits('۱۳۹۴/۰۴/۰۸ ٠١٢٣٤٥٦٧٨٩ ۱۲٫۵')).toBe('1394/04/08 0123456789 12.5');
  });
  it('turns Arabic ي ى ك into Persian ی ک, drops tatweel, folds spaces and ZWNJ, trims', () => {
    expect(normaliseText('  بانك  كشاورزي ')).toBe('بانک کشاورزی');
    expect(normaliseText('مـــوسی')).toBe('موسی');
    expect(normaliseText('نی\u200c\u200cریز')).toBe('نی\u200cریز');
    expect(normaliseText('نی \u200c ریز\t\n')).toBe('نی ریز');
    expect(normaliseText('\u200fشیراز\u200e')).toBe('شیراز');
  });
  it('matches names ignoring case, spaces and ZWNJ', () => {
    expect(matchKey('نی‌ریز')).toBe(matchKey('نی ریز'));
    expect(matchKey('Bank  Sepah')).toBe('banksepah');
  });
  it('cleans numbers written with separators, Persian digits and Excel minus signs', () => {
    expect(cleanNumberText('۱۲,۵۰۰٫۷۵')).toBe('12500.75');
    expect(cleanNumberText('12٬500')).toBe('12500');
    expect(cleanNumberText('1 250 000')).toBe('1250000');
    expect(cleanNumberText('(250)')).toBe('-250');
    expect(cleanNumberText('250-')).toBe('-250');
    expect(cleanNumberText('12abc')).toBeNull();
    expect(cleanNumberText('')).toBeNull();
  });
  it('recognises totals-row words', () => {
    expect(['جمع', 'جمع کل', 'جمع كل:', 'مجموع', 'Total', 'TOTAL'].map(isTotalsWord)).toEqual([true, true, true, true, true, true]);
    expect(isTotalsWord('جمعه بازار')).toBe(false);
  });
  it('escapes cells Excel would run as formulas', () => {
    expect(['=SUM(A1)', '+98', '-1', '@x', 'شیراز', '12'].map(spreadsheetSafe)).toEqual(["'=SUM(A1)", "'+98", "'-1", "'@x", 'شیراز', '12']);
  });
});

describe('Jalali dates', () => {
  it('knows which years have 30 days in Esfand', () => {
    expect([1391, 1394, 1395, 1399, 1403, 1404].map(isJalaliLeapYear)).toEqual([true, false, true, true, true, false]);
  });
  it('converts to Gregorian: the meeting of 1394/04/08 was on 2015-06-29', () => {
    expect(jalaliToGregorian({ year: 1394, month: 4, day: 8 })).toBe('2015-06-29');
    expect(parseJalaliDate('94/4/8')).toEqual({ ok: true, date: { year: 1394, month: 4, day: 8 }, iso: '2015-06-29', jalali: '1394/04/08' });
    expect(parseJalaliDate('1395/12/30')).toMatchObject({ ok: true, iso: '2017-03-20' });
  });
  it('rejects days that do not exist, saying why', () => {
    expect(parseJalaliDate('1394/12/30')).toEqual({ ok: false, problem: 'does not exist: month 12 of 1394 has 29 days (1394 is not a leap year)' });
    expect(parseJalaliDate('1394/07/31')).toEqual({ ok: false, problem: 'does not exist: month 7 of 1394 has 30 days' });
    expect(parseJalaliDate('1394/13/01')).toEqual({ ok: false, problem: 'has month 13; months run 1–12' });
    expect(parseJalaliDate('2015-06-29')).toEqual({ ok: false, problem: 'has year 2015, outside 1380–1450' });
  });
  it('agrees with the platform Persian calendar on every day of 1380–1450', () => {
    const format = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
    let checked = 0;
    for (let t = Date.UTC(2001, 2, 21); t < Date.UTC(2072, 2, 19); t += 86_400_000) {
      const parts = Object.fromEntries(format.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
      const parsed = parseJalaliDate(`${parts.year}/${parts.month}/${parts.day}`);
      expect(parsed.ok && parsed.iso).toBe(new Date(t).toISOString().slice(0, 10));
      checked++;
    }
    expect(checked).toBe(25931);
  });
});

describe('one value of a column', () => {
  const shape = applications.schema.shape;
  it('matches a code by code, Persian name, English name or alias, with Arabic letters', () => {
    expect(['keshavarzi', 'بانک کشاورزی', 'Bank Keshavarzi (Agriculture Bank)', 'كشاورزي', 'Agriculture Bank']
      .map((v) => cleanValue(shape.bank, v, references).clean)).toEqual(Array(5).fill('keshavarzi'));
  });
  it('names the nearest known names for an unknown code', () => {
    expect(cleanValue(shape.county, 'شیرز', references).problem).toBe(
      'found "شیرز", expected a known county (code or name from data/reference/counties.csv); nearest known: شیراز، قیروکارزین، نی‌ریز');
  });
  it('accepts an enum by its Persian name', () => {
    expect(cleanValue(shape.status, 'رد شده', references).clean).toBe('rejected');
    expect(cleanValue(projects.schema.shape.status, 'ارجاع به کمیته', references).clean).toBe('referred_to_committee');
  });
  it('splits a list of counties on ; and ،', () => {
    expect(cleanValue(projects.schema.shape.county, 'شیراز؛ مرودشت، Fasa', references).clean).toBe('shiraz;marvdasht;fasa');
  });
  it('tells a file\'s dataset from its name', () => {
    expect(['allocations.csv', 'absorption_keshavarzi.csv', 'ndf_lines-1394.csv', 'projects.json', 'budget.csv'].map(datasetFromName))
      .toEqual(['allocations', 'absorption', 'ndf_lines', 'projects', undefined]);
  });
});

describe('thousands separators', () => {
  it('accepts only groups of three digits, so a decimal comma is refused rather than misread', () => {
    expect(['12,500', '1,250,000', '۱۲٬۵۰۰٫۵', '1 250 000', '(1,250)', '12,5', '1234,5', '1,25,000', '12,500,00']
      .map(cleanNumberText)).toEqual(['12500', '1250000', '12500.5', '1250000', '-1250', null, null, null, null]);
  });
});
