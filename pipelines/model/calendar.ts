/**
 * The Jalali calendar day by day (`calendar_days`), a source table the models join on a DATE to get
 * its fiscal year and quarter: an equality join on an integer key is far cheaper over millions of
 * rows than parsing '1394/04/08' text, and the arithmetic stays in one place (pipelines/jalali.ts).
 */
import { dateValue, type DuckDBConnection } from '@duckdb/node-api';
import { jalaliMonthLength, jalaliToGregorian } from '../jalali.ts';
import { queryRows } from '../db.ts';

/** The years the datasets accept (CONTRACT §2: 1380–1450). */
export const CALENDAR_YEARS = { first: 1380, last: 1450 } as const;

const DAY_MS = 86_400_000;

/** Writes calendar_days (date, jalali text, Jalali year, month, day, quarter) unless it is there. */
export async function writeCalendar(connection: DuckDBConnection): Promise<void> {
  const first = jalaliToGregorian({ year: CALENDAR_YEARS.first, month: 1, day: 1 });
  const next = jalaliToGregorian({ year: CALENDAR_YEARS.last + 1, month: 1, day: 1 });
  const days = (Date.parse(next) - Date.parse(first)) / DAY_MS;
  const [present] = await queryRows<{ n: number; first: string; last: string }>(
    connection,
    `select count(*) as n, min(date)::varchar as first, max(date + 1)::varchar as last from calendar_days`,
  ).catch(() => []);
  if (present && Number(present.n) === days && present.first === first && present.last === next) return;
  await connection.run(`create or replace table calendar_days (
    date DATE primary key,
    jalali VARCHAR,
    jalali_year INTEGER,
    jalali_month INTEGER,
    jalali_day INTEGER,
    jalali_quarter INTEGER
  )`);
  const appender = await connection.createAppender('calendar_days');
  for (let year = CALENDAR_YEARS.first; year <= CALENDAR_YEARS.last; year++) {
    for (let month = 1; month <= 12; month++) {
      for (let day = 1; day <= jalaliMonthLength(year, month); day++) {
        appender.appendDate(dateValue(Date.parse(jalaliToGregorian({ year, month, day })) / DAY_MS));
        appender.appendVarchar(`${year}/${String(month).padStart(2, '0')}/${String(day).padStart(2, '0')}`);
        appender.appendInteger(year);
        appender.appendInteger(month);
        appender.appendInteger(day);
        appender.appendInteger(Math.ceil(month / 3));
        appender.endRow();
      }
    }
  }
  appender.closeSync();
}
