/**
 * The Jalali calendar day by day (`calendar_days`), a source table the models join on a DATE to get
 * its fiscal year and quarter: an equality join on an integer key is far cheaper over millions of
 * rows than parsing '1394/04/08' text, and the arithmetic stays in one place (pipelines/jalali.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { jalaliMonthLength, jalaliToGregorian } from '../jalali.ts';
import { queryRows } from '../db.ts';

/** The years the datasets accept (CONTRACT §2: 1380–1450). */
export const CALENDAR_YEARS = { first: 1380, last: 1450 } as const;

const DAY_MS = 86_400_000;

/**
 * Writes calendar_days (date, jalali text, Jalali year, month, day, quarter) unless it is there.
 * JavaScript gives only each month's length; DuckDB lays the days out one after another from the
 * Gregorian date of 1380/01/01 (the calendar has no gaps), in one statement: 26,000 rows through
 * an appender, each date converted in JavaScript, took 0.3 s of every first load.
 */
export async function writeCalendar(connection: DuckDBConnection): Promise<void> {
  const first = jalaliToGregorian({ year: CALENDAR_YEARS.first, month: 1, day: 1 });
  const next = jalaliToGregorian({ year: CALENDAR_YEARS.last + 1, month: 1, day: 1 });
  const days = (Date.parse(next) - Date.parse(first)) / DAY_MS;
  const [present] = await queryRows<{ n: number; first: string; last: string }>(
    connection,
    `select count(*) as n, min(date)::varchar as first, max(date + 1)::varchar as last from calendar_days`,
  ).catch(() => []);
  if (present && Number(present.n) === days && present.first === first && present.last === next) return;
  const months: string[] = [];
  for (let year = CALENDAR_YEARS.first; year <= CALENDAR_YEARS.last; year++) {
    for (let month = 1; month <= 12; month++) months.push(`(${year}, ${month}, ${jalaliMonthLength(year, month)})`);
  }
  await connection.run(`create or replace table calendar_days (
    date DATE primary key,
    jalali VARCHAR,
    jalali_year INTEGER,
    jalali_month INTEGER,
    jalali_day INTEGER,
    jalali_quarter INTEGER
  )`);
  await connection.run(`insert into calendar_days
    with months (jalali_year, jalali_month, length) as (values ${months.join(', ')}),
    placed as (
      select *, sum(length) over (order by jalali_year, jalali_month) - length as days_before from months
    ),
    days as (
      select jalali_year, jalali_month, days_before, unnest(range(1, length + 1)) as jalali_day from placed
    )
    select
      date '${first}' + cast(days_before + jalali_day - 1 as INTEGER),
      printf('%d/%02d/%02d', jalali_year, jalali_month, jalali_day),
      jalali_year, jalali_month, jalali_day,
      (jalali_month + 2) // 3
    from days
    order by jalali_year, jalali_month, jalali_day`);
}
