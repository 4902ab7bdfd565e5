/**
 * A generated applications file of any size, for the load benchmark and the kill test: every
 * row valid, codes from data/reference, written as a planner's system would export it.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const PROGRAMS = ['ndf_rural', 'ndf_sme', 'budget_job', 'working_capital', 'support_bodies', 'home_business', 'inclusive_rural', 'tourism_handicrafts', 'qarz_employment', 'skills_support'];
const BANKS = ['keshavarzi', 'tosee_taavon', 'post', 'melli', 'sepah', 'mellat', 'saderat', 'tejarat', 'refah', 'maskan'];
const AGENCIES = ['jihad_agri', 'industry_mine_trade', 'cultural_heritage', 'labour_welfare', 'nomads', 'relief_committee', 'welfare_org', 'tvto'];
const COUNTIES = ['shiraz', 'marvdasht', 'kazerun', 'jahrom', 'fasa', 'darab', 'larestan', 'abadeh', 'neyriz', 'eqlid', 'firuzabad', 'mamasani'];
const SECTORS = ['agriculture', 'industry', 'services', 'tourism', 'handicrafts', 'other'];
const STATUSES = ['referred', 'approved', 'contracted', 'disbursed', 'disbursed', 'disbursed', 'rejected', 'withdrawn'];
const REASONS = ['collateral', 'guarantor', 'bank_liquidity', 'ineligible', 'own_contribution', 'applicant_withdrew'];

/**
 * What a generated file is of: its year, and one quarter only when given (ids start with `A<yy>-`).
 * `dirty` writes, as a hand-kept file would: every 97th requested amount in Persian digits, every
 * 1009th year 1300 (out of range), every 5003rd approved amount a word, every 7919th bank by name.
 */
export interface GeneratedPeriod { year?: number; quarter?: number; dirty?: boolean }

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';

/** Row `n` of the file (1 = the first below the header) as a dirty file gives it. */
function soiled(cells: string[], n: number): string[] {
  if (n % 97 === 0) cells[8] = cells[8]!.replace(/\d/g, (d) => PERSIAN_DIGITS[Number(d)]!);
  if (n % 1009 === 0) cells[1] = '1300';
  if (n % 5003 === 0) cells[9] = 'abc';
  if (n % 7919 === 0) cells[4] = 'بانک ملی';
  return cells;
}

/** The columns of a generated applications file, canonical names. */
export const APPLICATION_COLUMNS = ['application_id', 'year', 'quarter', 'program', 'bank', 'agency', 'county', 'sector', 'requested_amount',
  'approved_amount', 'disbursed_amount', 'status', 'reason_code', 'jobs_committed', 'referral_date', 'disbursement_date'] as const;

/** Application `i` of a generated file, its cells as a planner's system writes them (deterministic: a function of i alone). */
export function applicationRow(i: number, period: GeneratedPeriod = {}): string[] {
  const year = period.year ?? 1394;
  const h = Math.imul(i + 1, 2654435761) >>> 0;
  const quarter = period.quarter ?? 1 + (h % 4);
  const month = (quarter - 1) * 3 + 1 + ((h >>> 3) % 3);
  const day = 1 + ((h >>> 5) % 28);
  const status = STATUSES[(h >>> 7) % STATUSES.length]!;
  const requested = 200 + ((h >>> 9) % 9000) + ((h >>> 4) % 100) / 10;
  const approved = ['approved', 'contracted', 'disbursed'].includes(status) ? (requested * 0.9).toFixed(1) : '';
  const disbursed = status === 'disbursed' ? approved : '';
  const reason = status === 'rejected' || status === 'withdrawn' ? REASONS[(h >>> 11) % REASONS.length]! : '';
  const date = `${year}/${String(month).padStart(2, '0')}/${String(day).padStart(2, '0')}`;
  const paid = status === 'disbursed' ? `${year}/${String(Math.min(12, month + 1)).padStart(2, '0')}/${String(day).padStart(2, '0')}` : '';
  return [`A${String(year).slice(2)}${period.quarter ? `Q${period.quarter}` : ''}-${i}`, String(year), String(quarter), PROGRAMS[h % 10]!, BANKS[(h >>> 13) % 10]!, AGENCIES[(h >>> 15) % 8]!, COUNTIES[(h >>> 17) % 12]!,
    SECTORS[(h >>> 19) % 6]!, requested.toFixed(1), approved, disbursed, status, reason, String(1 + ((h >>> 21) % 4)), date, paid];
}

/** Writes `rows` applications to `csv`. */
export async function writeApplicationsCsv(csv: string, rows: number, period: GeneratedPeriod = {}): Promise<void> {
  const out = createWriteStream(csv);
  out.write(`${APPLICATION_COLUMNS.join(',')}\n`);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const cells = applicationRow(i, period);
    chunk += `${(period.dirty ? soiled(cells, i + 1) : cells).join(',')}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}
