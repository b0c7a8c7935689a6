/**
 * C's strftime(3) for `-w` names with `-G` (tcpdump passes the -w name through
 * strftime in local time). The conversions POSIX defines in the C locale; an
 * unknown one is kept as written, as glibc does.
 */

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const pad = (n: number, width: number, fill = '0'): string => String(n).padStart(width, fill);

/** Day of the year, 0-based, of a local date. */
function yearDay(d: Date): number {
  return Math.round(
    (Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) - Date.UTC(d.getFullYear(), 0, 1)) / 86_400_000,
  );
}

/** ISO 8601 week-based year and week number of a local date. */
function isoWeek(d: Date): [number, number] {
  const day = (d.getDay() + 6) % 7; // Monday = 0
  const thursday = new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate() - day + 3));
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return [year, week];
}

/** `+hhmm` of local time at `d`. */
function offset(d: Date): string {
  const min = -d.getTimezoneOffset();
  const a = Math.abs(min);
  return `${min < 0 ? '-' : '+'}${pad(Math.floor(a / 60), 2)}${pad(a % 60, 2)}`;
}

/** The time zone's abbreviation at `d` (as `date +%Z` prints it), from Intl. */
function zoneName(d: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(d)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? '';
}

/** Formats `epochSeconds` in local time with the conversions of `pattern`. */
export function strftime(pattern: string, epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const one = (c: string): string | undefined => {
    switch (c) {
      case 'a':
        return DAYS[d.getDay()]!.slice(0, 3);
      case 'A':
        return DAYS[d.getDay()]!;
      case 'b':
      case 'h':
        return MONTHS[d.getMonth()]!.slice(0, 3);
      case 'B':
        return MONTHS[d.getMonth()]!;
      case 'C':
        return pad(Math.floor(d.getFullYear() / 100), 2);
      case 'd':
        return pad(d.getDate(), 2);
      case 'e':
        return pad(d.getDate(), 2, ' ');
      case 'H':
        return pad(d.getHours(), 2);
      case 'I':
        return pad(d.getHours() % 12 || 12, 2);
      case 'j':
        return pad(yearDay(d) + 1, 3);
      case 'k':
        return pad(d.getHours(), 2, ' ');
      case 'l':
        return pad(d.getHours() % 12 || 12, 2, ' ');
      case 'm':
        return pad(d.getMonth() + 1, 2);
      case 'M':
        return pad(d.getMinutes(), 2);
      case 'n':
        return '\n';
      case 'p':
        return d.getHours() < 12 ? 'AM' : 'PM';
      case 's':
        return String(Math.floor(epochSeconds));
      case 'S':
        return pad(d.getSeconds(), 2);
      case 't':
        return '\t';
      case 'u':
        return String(d.getDay() || 7);
      case 'w':
        return String(d.getDay());
      case 'U':
        return pad(Math.floor((yearDay(d) + 7 - d.getDay()) / 7), 2);
      case 'W':
        return pad(Math.floor((yearDay(d) + 7 - ((d.getDay() + 6) % 7)) / 7), 2);
      case 'V':
        return pad(isoWeek(d)[1], 2);
      case 'G':
        return String(isoWeek(d)[0]);
      case 'g':
        return pad(isoWeek(d)[0] % 100, 2);
      case 'y':
        return pad(d.getFullYear() % 100, 2);
      case 'Y':
        return String(d.getFullYear());
      case 'z':
        return offset(d);
      case 'Z':
        return zoneName(d);
      case 'D':
        return `${one('m')}/${one('d')}/${one('y')}`;
      case 'F':
        return `${one('Y')}-${one('m')}-${one('d')}`;
      case 'T':
        return `${one('H')}:${one('M')}:${one('S')}`;
      case 'R':
        return `${one('H')}:${one('M')}`;
      case 'r':
        return `${one('I')}:${one('M')}:${one('S')} ${one('p')}`;
      case '%':
        return '%';
      default:
        return undefined;
    }
  };
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c !== '%' || i + 1 >= pattern.length) {
      out += c;
      continue;
    }
    const conv = pattern[++i]!;
    out += one(conv) ?? `%${conv}`;
  }
  return out;
}
