// Working days (工作日) as the State Council's holiday notices set them, via chinese-days (holidays and make-up
// workdays for 2004–2026 at the time of writing). For years outside its data it would silently answer Monday–Friday;
// we do the same but say so, so a finding can tell the maintainer the deadline is approximate.
import chineseDays from "chinese-days";
import { addDays } from "./dates.js";

const coveredYears = new Map<number, boolean>();

/** True when chinese-days knows the official holidays of that year. */
export function holidayDataCovers(year: number): boolean {
  let known = coveredYears.get(year);
  if (known === undefined) {
    known = chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
    coveredYears.set(year, known);
  }
  return known;
}

function weekday(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`).getUTCDay();
  return d !== 0 && d !== 6;
}

/** Is this date a working day in China? */
export function isWorkday(iso: string): boolean {
  const year = +iso.slice(0, 4);
  return holidayDataCovers(year) ? chineseDays.isWorkday(iso) : weekday(iso);
}

export interface WorkdayResult {
  /** The date that is `n` working days after `start` (start itself not counted). */
  date: string;
  /** True when some day on the way lies in a year chinese-days has no holiday data for (plain Mon–Fri used). */
  approximate: boolean;
}

/** The date `n` working days after `start`: the 20-working-day deadline of 《政府信息公开条例》 art. 26. */
export function addWorkdays(start: string, n: number): WorkdayResult {
  let date = start;
  let approximate = false;
  let left = n;
  while (left > 0) {
    date = addDays(date, 1);
    if (!holidayDataCovers(+date.slice(0, 4))) approximate = true;
    if (isWorkday(date)) left--;
  }
  return { date, approximate };
}

export interface WorkdayCount {
  /** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
  count: number;
  /** True when some day counted lies in a year chinese-days has no holiday data for (plain Mon–Fri used). */
  approximate: boolean;
}

/** Working days from `from` (not counted) to `to` (counted): made on a Friday, published the next Monday = 1. */
export function workdaysBetween(from: string, to: string): WorkdayCount {
  let count = 0;
  let approximate = false;
  for (let date = addDays(from, 1); date <= to; date = addDays(date, 1)) {
    if (!holidayDataCovers(+date.slice(0, 4))) approximate = true;
    if (isWorkday(date)) count++;
  }
  return { count, approximate };
}
