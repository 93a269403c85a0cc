/**
 * Business dates are plain `YYYY-MM-DD` strings in the service time zone;
 * instants are `Date`s (UTC). Arithmetic on dates happens at UTC noon so that
 * no offset or DST rule can move a day.
 */

export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): value is IsoDate {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export function addDays(day: IsoDate, n: number): IsoDate {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function yearOf(day: IsoDate): number {
  return Number(day.slice(0, 4));
}

/** 0 = Sunday … 6 = Saturday */
export function weekdayOf(day: IsoDate): number {
  return new Date(`${day}T12:00:00Z`).getUTCDay();
}

const partsCache = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    partsCache.set(timeZone, f);
  }
  return f;
}

type ZonedParts = { date: IsoDate; minuteOfDay: number; hhmm: string };
const partsMemo = new Map<string, ZonedParts>();

/** The service-zone calendar date and minute of the day of an instant (remembered per minute: formatToParts is slow). */
export function zonedParts(instant: Date, timeZone: string): ZonedParts {
  const key = `${timeZone} ${Math.floor(instant.getTime() / 60_000)}`;
  let result = partsMemo.get(key);
  if (!result) {
    const parts = Object.fromEntries(formatter(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
    result = { date: `${parts.year}-${parts.month}-${parts.day}`, minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute), hhmm: `${parts.hour}:${parts.minute}` };
    if (partsMemo.size >= 2000) partsMemo.clear();
    partsMemo.set(key, result);
  }
  return { ...result };
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** "16:00" → 960 */
export function minutesOfHhmm(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new RangeError(`not a time of day: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The instant when the service-zone clock shows `hhmm` on `day` (zones here have no DST gaps at such times). */
export function zonedInstant(day: IsoDate, hhmm: string, timeZone: string): Date {
  const wanted = Date.parse(`${day}T${hhmm}:00Z`);
  let guess = wanted;
  // Two rounds settle any fixed or DST offset.
  for (let i = 0; i < 2; i++) {
    const seen = zonedParts(new Date(guess), timeZone);
    const shown = Date.parse(`${seen.date}T${seen.hhmm}:00Z`);
    guess += wanted - shown;
  }
  return new Date(guess);
}
