/**
 * calendar_days, the table the models join a DATE on to get its Jalali year and quarter: every day
 * of 1380–1450 once, each checked against pipelines/jalali.ts converting it on its own.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../pipelines/db.ts';
import { gregorianToJalali, jalaliToGregorian } from '../../pipelines/jalali.ts';
import { writeCalendar } from '../../pipelines/model/calendar.ts';

interface Day { date: string; jalali: string; jalali_year: number; jalali_month: number; jalali_day: number; jalali_quarter: number }

async function calendar() {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  await writeCalendar(connection);
  const days = await queryRows<Day>(connection, `select date::varchar as date, jalali, jalali_year, jalali_month, jalali_day, jalali_quarter from calendar_days order by date`);
  return { instance, connection, days };
}

describe('calendar_days', () => {
  it('holds each day of 1380/01/01 to 1450/12/end once, as jalali.ts converts it', async () => {
    const { instance, connection, days } = await calendar();
    // 71 years of 365 days, and one more for each leap year in them (17 in 1380–1450).
    expect(days.length).toBe(71 * 365 + 17);
    expect(days[0]).toEqual({ date: '2001-03-21', jalali: '1380/01/01', jalali_year: 1380, jalali_month: 1, jalali_day: 1, jalali_quarter: 1 });
    expect(days.at(-1)!.jalali).toBe('1450/12/29');
    let previous = Date.parse('2001-03-20');
    for (const day of days) {
      // One day after the row before: no gap, no day twice.
      expect(Date.parse(day.date) - previous).toBe(86_400_000);
      previous = Date.parse(day.date);
      const j = gregorianToJalali(day.date);
      const text = `${j.year}/${String(j.month).padStart(2, '0')}/${String(j.day).padStart(2, '0')}`;
      if (day.jalali !== text || day.jalali_year !== j.year || day.jalali_month !== j.month || day.jalali_day !== j.day
        || day.jalali_quarter !== Math.ceil(j.month / 3) || jalaliToGregorian(j) !== day.date) {
        expect({ ...day, expected: text }).toBe('a row that jalali.ts converts the same way');
      }
    }
    // The leap days CONTRACT §3 names: 1395/12/30 exists, 1394/12/30 does not.
    expect(days.find((d) => d.jalali === '1395/12/30')?.date).toBe('2017-03-20');
    expect(days.find((d) => d.jalali === '1394/12/30')).toBeUndefined();
    expect(days.find((d) => d.jalali === '1394/12/29')?.date).toBe('2016-03-19');
    // A calendar that lost a day is written again, whole.
    await connection.run(`delete from calendar_days where jalali = '1380/01/02'`);
    await writeCalendar(connection);
    expect((await queryRows<{ n: number }>(connection, `select count(*)::int as n from calendar_days`))[0]!.n).toBe(days.length);
    expect((await queryRows<{ date: string }>(connection, `select date::varchar as date from calendar_days where jalali = '1380/01/02'`))).toEqual([{ date: '2001-03-22' }]);
    connection.closeSync();
    instance.closeSync();
  });
});
