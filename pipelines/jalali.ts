/**
 * The Jalali (Solar Hijri) calendar: validity of a date and its Gregorian equivalent.
 * The leap rule follows the astronomical break table used by Iranian calendars (jalaali-js),
 * so 1395/12/30 exists while 1394/12/30 does not.
 */

const BREAKS = [-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178];

const div = (a: number, b: number) => Math.trunc(a / b);
const mod = (a: number, b: number) => a - Math.trunc(a / b) * b;

/** For Jalali year `jy`: whether it is leap, and the March day of its Nowruz (1 Farvardin). */
function yearInfo(jy: number): { isLeap: boolean; gregorianYear: number; marchDay: number } {
  const gy = jy + 621;
  let leapJ = -14;
  let jp = BREAKS[0]!;
  let jump = 0;
  for (let i = 1; i < BREAKS.length; i++) {
    const jm = BREAKS[i]!;
    jump = jm - jp;
    if (jy < jm) break;
    leapJ += div(jump, 33) * 8 + div(mod(jump, 33), 4);
    jp = jm;
  }
  let n = jy - jp;
  leapJ += div(n, 33) * 8 + div(mod(n, 33) + 3, 4);
  if (mod(jump, 33) === 4 && jump - n === 4) leapJ += 1;
  const leapG = div(gy, 4) - div((div(gy, 100) + 1) * 3, 4) - 150;
  const marchDay = 20 + leapJ - leapG;
  if (jump - n < 6) n = n - jump + div(jump + 4, 33) * 33;
  let leap = mod(mod(n + 1, 33) - 1, 4);
  if (leap === -1) leap = 4;
  return { isLeap: leap === 0, gregorianYear: gy, marchDay };
}

/** Whether Jalali year `jy` has 30 days in Esfand. */
export function isJalaliLeapYear(jy: number): boolean {
  return yearInfo(jy).isLeap;
}

/** Days in Jalali month `jm` (1–12) of year `jy`. */
export function jalaliMonthLength(jy: number, jm: number): number {
  if (jm <= 6) return 31;
  if (jm <= 11) return 30;
  return isJalaliLeapYear(jy) ? 30 : 29;
}

export interface JalaliDate { year: number; month: number; day: number }

/** The ISO Gregorian date (yyyy-mm-dd) of a valid Jalali date. */
export function jalaliToGregorian({ year, month, day }: JalaliDate): string {
  const { gregorianYear, marchDay } = yearInfo(year);
  const dayOfYear = (month - 1) * 31 - Math.max(0, month - 7) + day - 1;
  return new Date(Date.UTC(gregorianYear, 2, marchDay + dayOfYear)).toISOString().slice(0, 10);
}

/** The Jalali date of an ISO Gregorian date (yyyy-mm-dd): the inverse of jalaliToGregorian. */
export function gregorianToJalali(iso: string): JalaliDate {
  const [gy, gm, gd] = iso.split('-').map(Number) as [number, number, number];
  const day = Date.UTC(gy, gm - 1, gd);
  const nowruz = (jy: number) => {
    const { gregorianYear, marchDay } = yearInfo(jy);
    return Date.UTC(gregorianYear, 2, marchDay);
  };
  let year = gy - 621;
  if (day < nowruz(year)) year -= 1;
  const dayOfYear = Math.round((day - nowruz(year)) / 86_400_000);
  // Farvardin to Shahrivar have 31 days, Mehr to Esfand 30 (see jalaliToGregorian).
  if (dayOfYear < 186) return { year, month: Math.floor(dayOfYear / 31) + 1, day: (dayOfYear % 31) + 1 };
  return { year, month: Math.floor((dayOfYear - 186) / 30) + 7, day: ((dayOfYear - 186) % 30) + 1 };
}

export type ParsedJalali = { ok: true; date: JalaliDate; iso: string; jalali: string } | { ok: false; problem: string };

/**
 * Parses a cleaned Jalali date such as `1394/04/08`, `1394-4-8` or `94/4/8` (two-digit years
 * are taken as 13xx) and checks that the day exists.
 */
export function parseJalaliDate(text: string, minYear = 1380, maxYear = 1450): ParsedJalali {
  const match = /^(\d{2}|\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$/.exec(text.trim());
  if (!match) return { ok: false, problem: 'is not a date of the form yyyy/mm/dd' };
  const year = match[1]!.length === 2 ? 1300 + Number(match[1]) : Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < minYear || year > maxYear) return { ok: false, problem: `has year ${year}, outside ${minYear}–${maxYear}` };
  if (month < 1 || month > 12) return { ok: false, problem: `has month ${month}; months run 1–12` };
  const length = jalaliMonthLength(year, month);
  if (day < 1 || day > length) {
    const why = month === 12 && day === 30 ? ` (${year} is not a leap year)` : '';
    return { ok: false, problem: `does not exist: month ${month} of ${year} has ${length} days${why}` };
  }
  const date = { year, month, day };
  const jalali = `${year}/${String(month).padStart(2, '0')}/${String(day).padStart(2, '0')}`;
  return { ok: true, date, iso: jalaliToGregorian(date), jalali };
}

/** The Jalali quarter (1–4) of a month. */
export function quarterOfMonth(month: number): number {
  return Math.ceil(month / 3);
}
