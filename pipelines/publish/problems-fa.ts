/**
 * A quarantined row's problem in Persian, for the bank or agency that sent it: which column,
 * what was found there and what is expected, from the dataset's schema (the same column labels,
 * ranges and code lists the checks use). The quarantine keeps its messages in English, in a few
 * fixed shapes written by pipelines/validate.ts, load.ts and ingest/csv.ts; a message of another
 * shape is given as it is, so nothing is lost in translation.
 */
import type { z } from 'zod';
import { columnMeta, enumValues, numericRange, type ReferenceTable } from '../schema/columns.ts';
import type { DatasetDefinition } from '../schema/datasets.ts';

/** What one entry of each reference table is called, in Persian. */
const REFERENCE_NOUN_FA: Record<ReferenceTable, string> = {
  programs: 'برنامه',
  banks: 'بانک عامل',
  agencies: 'دستگاه اجرایی',
  counties: 'شهرستان',
  axes: 'محور عملیاتی',
  reasons: 'علت عدم جذب',
  funding_sources: 'منبع تأمین',
  sectors: 'بخش اقتصادی',
};

/** What a column expects, in Persian, from its schema. */
export function expectedFa(dataset: DatasetDefinition, column: string): string {
  const schema = dataset.schema.shape[column] as z.ZodType | undefined;
  if (!schema) return '';
  const meta = columnMeta(schema);
  switch (meta.kind) {
    case 'int': {
      const { min, max } = numericRange(schema);
      return max >= 1e9 ? `عدد صحیح ${min} یا بیشتر` : `عدد صحیح از ${min} تا ${max}`;
    }
    case 'decimal': {
      const { min, max } = numericRange(schema);
      return `عددی از ${min} تا ${max}`;
    }
    case 'money':
      return `${meta.positive ? 'مبلغی بیشتر از صفر' : 'مبلغ صفر یا بیشتر'} (به میلیون ریال، مگر آنکه واحد دیگری برای فایل اعلام شده باشد)`;
    case 'code':
      return `نام یا کد یک ${REFERENCE_NOUN_FA[meta.reference!]} شناخته‌شده (فهرست data/reference/${meta.reference}.csv)`;
    case 'code_list':
      return `نام ${REFERENCE_NOUN_FA[meta.reference!]}‌های شناخته‌شده، جدا شده با ; یا ،`;
    case 'text':
      return 'متنی ناتهی';
    case 'enum':
      return `یکی از: ${enumValues(schema).map((v) => meta.valueNames?.[v]?.[0] ?? v).join('، ')}`;
    case 'date':
      return 'تاریخ شمسی معتبر، مانند 1394/04/08';
  }
}

/** A Jalali date's problem (from pipelines/jalali.ts) in Persian. */
function dateProblemFa(problem: string): string {
  let m = /^has year (\d+), outside (\d+)–(\d+)$/.exec(problem);
  if (m) return `سال ${m[1]} بیرون از بازه ${m[2]} تا ${m[3]} است`;
  m = /^has month (\d+); months run 1–12$/.exec(problem);
  if (m) return `ماه ${m[1]} نادرست است (ماه‌ها از 1 تا 12اند)`;
  m = /^does not exist: month (\d+) of (\d+) has (\d+) days( \(\d+ is not a leap year\))?$/.exec(problem);
  if (m) return `چنین روزی وجود ندارد: ماه ${m[1]} سال ${m[2]} ${m[3]} روز دارد${m[4] ? ` (سال ${m[2]} کبیسه نیست)` : ''}`;
  if (problem === 'is not a date of the form yyyy/mm/dd') return 'به شکل سال/ماه/روز نیست';
  return problem;
}

/** One `column NAME (LABEL): …` problem in Persian, or undefined when it has another shape. */
function columnProblemFa(dataset: DatasetDefinition, text: string): string | undefined {
  const m = /^column ([a-z_]+) \(([^)]*)\): (.*)$/s.exec(text);
  if (!m) return undefined;
  const [, column, label, rest] = m as unknown as [string, string, string, string];
  const rule = dataset.rules.find((r) => r.column === column && rest === `found nothing, expected ${r.expected}`);
  if (rule) return `ستون «${label}» خالی است؛ برای پرونده ردشده یا انصرافی، ${label} باید نوشته شود`;
  const expected = expectedFa(dataset, column);
  if (rest.startsWith('found nothing')) return `ستون «${label}» خالی است؛ باید نوشته شود: ${expected}`;
  const found = /^found "(.*?)", (?:which (.*?); )?expected (.*)$/s.exec(rest);
  if (!found) return undefined;
  const [, value, which, after] = found as unknown as [string, string, string | undefined, string];
  const why = which ? `؛ ${dateProblemFa(which)}` : '';
  const nearest = /; nearest known: (.*)$/s.exec(after)?.[1];
  const near = nearest ? `؛ نزدیک‌ترین نام‌های شناخته‌شده: ${nearest}` : '';
  const unknownParts = /; ("[^"]*" is unknown.*)$/s.exec(after)?.[1];
  const parts = unknownParts ? `؛ ${unknownParts.replace(/"([^"]*)" is unknown \(nearest: ([^)]*)\)/g, '«$1» شناخته نیست (نزدیک‌ترین: $2)')}` : '';
  return `ستون «${label}»: «${value}» پذیرفته نیست${why}؛ درست آن: ${expected}${near}${parts}`;
}

/** Problems of a whole line or row (it cannot be split into columns, or its key repeats). */
function rowProblemFa(text: string): string | undefined {
  let m = /^the line has (\d+) values where the header has (\d+) columns$/.exec(text);
  if (m) return `این ردیف ${m[1]} خانه دارد، اما سرستون ${m[2]} ستون دارد (ردیف ناقص است یا جداکننده اضافه دارد)`;
  if (text.startsWith('a quote (") opened on this line is never closed properly')) {
    return 'علامت نقل‌قول (") در این ردیف باز شده و درست بسته نشده است، پس خانه‌های آن از هم جدا نمی‌شوند';
  }
  if (text.startsWith('a quote (") on this line is not closed properly')) {
    return 'پس از بستن نقل‌قول (") در این ردیف متن آمده است، پس خانه‌های آن از هم جدا نمی‌شوند';
  }
  m = /^the line holds bytes that are not valid text in (.+)$/.exec(text);
  if (m) return `این ردیف نویسه‌هایی دارد که در رمزگذاری ${m[1]} متن معتبر نیستند`;
  m = /^the natural key \((.*)\) is given (\d+) times in this run with different values \((.*)\); expected one row per key, so none of them is loaded$/s.exec(text);
  if (m) return `کلید این ردیف (${m[1]}) ${m[2]} بار با مقادیر متفاوت آمده است (${m[3]})؛ برای هر کلید یک ردیف لازم است، پس هیچ‌کدام بارگذاری نشد`;
  return undefined;
}

/** The text of a quarantine message after its location (`file line 7: …`, `…, row 11: …`). */
export function problemText(message: string): string {
  const m = /^.*? (?:line \d+|record \d+ \(line \d+\)|row \d+): (.*)$/s.exec(message);
  return m ? m[1]! : message;
}

/** A quarantined row's problems in Persian, one per line; a problem of an unknown shape stays in English. */
export function problemsFa(dataset: DatasetDefinition, message: string): string {
  const text = problemText(message);
  const whole = rowProblemFa(text);
  if (whole) return whole;
  return text.split(/; (?=column [a-z_]+ \()/)
    .map((part) => columnProblemFa(dataset, part) ?? `(به انگلیسی) ${part}`)
    .join('\n');
}
