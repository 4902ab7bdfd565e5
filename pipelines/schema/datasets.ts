/**
 * The data contract (CONTRACT §2): one zod schema per dataset with each column's canonical name,
 * Persian label, kind and rule, the natural key, and the rules that span columns.
 */
import { z } from 'zod';
import { code, codeList, decimal, int, jalaliDate, money, oneOf, optional, text } from './columns.ts';

const year = () => int('سال', 1380, 1450, ['سال مالی']);
const quarter = (label = 'فصل') => int(label, 1, 4, ['فصل', 'سه ماهه']);
const count = (label: string) => optional(int(label, 0, 1e12));
const MAX_JOBS = 1e9;

/** A rule spanning columns, checked in SQL over the cleaned row (`true` means the row breaks it). */
export interface RowRule {
  /** Column the message names. */
  column: string;
  /** SQL condition over cleaned columns that is true when the row breaks the rule. */
  breaks: string;
  /** What was expected, in plain words. */
  expected: string;
}

export interface DatasetDefinition<S extends z.ZodRawShape = any> {
  name: string;
  /** Persian name of the dataset. */
  label: string;
  /** What one row is. */
  grain: string;
  schema: z.ZodObject<S>;
  naturalKey: readonly string[];
  rules: RowRule[];
}

function dataset<S extends z.ZodRawShape>(
  definition: Omit<DatasetDefinition<S>, 'schema' | 'naturalKey'> & { columns: S; naturalKey: readonly (keyof S & string)[] },
): DatasetDefinition<S> {
  const { columns, ...rest } = definition;
  return { ...rest, schema: z.object(columns) };
}

export const allocations = dataset({
  name: 'allocations',
  label: 'اعتبارات ابلاغی',
  grain: 'one allocation notified to the province',
  columns: {
    year: year(),
    quarter: quarter('فصل ابلاغ'),
    program: code('برنامه', 'programs', ['عنوان برنامه', 'نوع تسهیلات']),
    funding_source: optional(code('منبع', 'funding_sources', ['منبع تامین', 'منبع اعتبار'])),
    bank: optional(code('بانک عامل', 'banks', ['بانک'])),
    agency: optional(code('دستگاه اجرایی', 'agencies', ['دستگاه'])),
    county: optional(code('شهرستان', 'counties')),
    amount: money('مبلغ', { positive: true, aliases: ['مبلغ ابلاغی', 'اعتبار ابلاغی'] }),
    jobs_target: optional(int('تعهد اشتغال', 0, MAX_JOBS, ['اشتغال هدف'])),
    notification_id: optional(text('شماره ابلاغیه', ['شماره ابلاغ'])),
  },
  naturalKey: ['year', 'quarter', 'program', 'funding_source', 'bank', 'agency', 'county', 'notification_id'],
  rules: [],
});

export const absorption = dataset({
  name: 'absorption',
  label: 'عملکرد جذب',
  grain: 'one reporting key, cumulative from the start of the fiscal year to the end of the quarter',
  columns: {
    year: year(),
    quarter: quarter(),
    program: code('برنامه', 'programs', ['عنوان برنامه', 'نوع تسهیلات']),
    funding_source: optional(code('منبع', 'funding_sources', ['منبع تامین', 'منبع اعتبار'])),
    bank: optional(code('بانک عامل', 'banks', ['بانک'])),
    agency: optional(code('دستگاه اجرایی', 'agencies', ['دستگاه'])),
    county: optional(code('شهرستان', 'counties')),
    referred_count: count('تعداد معرفی به بانک'),
    referred_amount: optional(money('مبلغ معرفی به بانک', { aliases: ['معرفی به بانک'] })),
    approved_count: count('تعداد مصوب'),
    approved_amount: optional(money('مبلغ مصوب', { aliases: ['مصوب'] })),
    contracted_count: count('تعداد قرارداد'),
    contracted_amount: optional(money('مبلغ قرارداد', { aliases: ['قرارداد'] })),
    disbursed_count: count('تعداد پرداخت'),
    disbursed_amount: money('مبلغ پرداخت', { aliases: ['پرداخت', 'مبلغ پرداختی'] }),
    jobs_committed: optional(int('اشتغال تعهدی', 0, MAX_JOBS)),
  },
  naturalKey: ['year', 'quarter', 'program', 'funding_source', 'bank', 'agency', 'county'],
  rules: [],
});

export const applications = dataset({
  name: 'applications',
  label: 'پرونده‌ها',
  grain: 'one applicant referred to a bank',
  columns: {
    application_id: text('شماره پرونده', ['کد پرونده']),
    year: year(),
    quarter: quarter('فصل معرفی'),
    program: code('برنامه', 'programs', ['عنوان برنامه']),
    bank: code('بانک عامل', 'banks', ['بانک']),
    agency: code('دستگاه اجرایی', 'agencies', ['دستگاه']),
    county: code('شهرستان', 'counties'),
    sector: code('بخش', 'sectors', ['بخش اقتصادی']),
    requested_amount: money('مبلغ درخواستی', { aliases: ['مبلغ درخواست'] }),
    approved_amount: optional(money('مبلغ مصوب')),
    disbursed_amount: optional(money('مبلغ پرداختی', { aliases: ['مبلغ پرداخت'] })),
    status: oneOf('وضعیت', {
      referred: ['معرفی به بانک', 'معرفی شده'],
      approved: ['مصوب بانک', 'مصوب'],
      contracted: ['انعقاد قرارداد', 'قرارداد'],
      disbursed: ['پرداخت شده', 'پرداخت'],
      rejected: ['رد شده', 'رد'],
      withdrawn: ['انصراف'],
    }),
    reason_code: optional(code('علت عدم جذب', 'reasons', ['علت'])),
    jobs_committed: int('اشتغال تعهدی', 0, MAX_JOBS),
    referral_date: optional(jalaliDate('تاریخ معرفی')),
    disbursement_date: optional(jalaliDate('تاریخ پرداخت')),
  },
  naturalKey: ['application_id'],
  rules: [
    {
      column: 'reason_code',
      breaks: `status in ('rejected', 'withdrawn') and reason_code is null`,
      expected: 'a reason for a rejected or withdrawn application',
    },
  ],
});

export const reasons = dataset({
  name: 'reasons',
  label: 'علل عدم جذب',
  grain: 'an amount reported as not absorbed, for one reason',
  columns: {
    year: year(),
    quarter: quarter(),
    program: code('برنامه', 'programs', ['عنوان برنامه']),
    bank: optional(code('بانک عامل', 'banks', ['بانک'])),
    agency: optional(code('دستگاه اجرایی', 'agencies', ['دستگاه'])),
    county: optional(code('شهرستان', 'counties')),
    reason_code: code('علت عدم جذب', 'reasons', ['علت']),
    amount: money('مبلغ', { aliases: ['مبلغ جذب نشده'] }),
    count: count('تعداد'),
  },
  naturalKey: ['year', 'quarter', 'program', 'bank', 'agency', 'county', 'reason_code'],
  rules: [],
});

export const ndfLines = dataset({
  name: 'ndf_lines',
  label: 'خطوط تسهیلات صندوق توسعه ملی',
  grain: 'one NDF line deposited at an agent bank',
  columns: {
    line_id: text('شناسه خط', ['شماره خط']),
    year: year(),
    quarter: quarter('فصل سپرده‌گذاری'),
    program: code('برنامه', 'programs', ['عنوان برنامه']),
    bank: code('بانک عامل', 'banks', ['بانک']),
    ndf_amount: money('منابع صندوق', { positive: true, aliases: ['سهم صندوق', 'مبلغ صندوق'] }),
    bank_match_amount: money('سهم بانک', { aliases: ['آورده بانک', 'منابع بانک'] }),
    interest_rate: decimal('نرخ سود', 0, 40, ['نرخ سود (درصد)']),
    term_months: optional(int('مدت (ماه)', 0, 600, ['مدت بازپرداخت'])),
    grace_months: optional(int('تنفس (ماه)', 0, 600, ['دوره تنفس'])),
  },
  naturalKey: ['line_id'],
  rules: [],
});

export const projects = dataset({
  name: 'projects',
  label: 'طرح‌های اشتغالزا',
  grain: 'one job-creation project',
  columns: {
    project_id: text('کد طرح', ['شماره طرح']),
    title: text('عنوان طرح', ['عنوان']),
    axis: code('محور', 'axes', ['محور عملیاتی']),
    lead_agency: code('دستگاه متولی', 'agencies', ['دستگاه اجرایی', 'دستگاه مجری']),
    county: optional(codeList('شهرستان', 'counties', ['شهرستان‌ها'])),
    investment_amount: money('سرمایه‌گذاری', { aliases: ['مبلغ سرمایه‌گذاری', 'میزان سرمایه‌گذاری'] }),
    facility_amount: optional(money('تسهیلات', { aliases: ['مبلغ تسهیلات'] })),
    new_jobs: int('اشتغال جدید', 0, MAX_JOBS, ['اشتغال ایجادی']),
    sustained_jobs: int('حفظ اشتغال', 0, MAX_JOBS, ['اشتغال حفظ شده', 'پایداری اشتغال']),
    status: oneOf('وضعیت', {
      proposed: ['پیشنهادی', 'پیشنهاد شده'],
      approved: ['مصوب', 'تصویب شده'],
      referred_to_committee: ['ارجاع به کمیته', 'ارجاع به کمیته کارشناسی'],
      in_progress: ['در حال اجرا'],
      completed: ['تکمیل شده', 'بهره‌برداری شده'],
      cancelled: ['لغو شده', 'منتفی'],
    }),
    decision_date: optional(jalaliDate('تاریخ تصویب', ['تاریخ تصمیم'])),
  },
  naturalKey: ['project_id'],
  rules: [],
});

/** Every dataset, by name. */
export const DATASETS = {
  allocations,
  absorption,
  applications,
  reasons,
  ndf_lines: ndfLines,
  projects,
} as const satisfies Record<string, DatasetDefinition>;

export type DatasetName = keyof typeof DATASETS;
export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

/** The definition of a dataset, or undefined. */
export function datasetByName(name: string): DatasetDefinition | undefined {
  return (DATASETS as Record<string, DatasetDefinition>)[name];
}
