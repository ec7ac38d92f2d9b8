//! Dates and times as IMAP writes them ([`DateTime`] for `date-time`, [`Date`] for `date`).

use std::fmt;

/// Month abbreviations used by `date-month` (RFC 9051 section 9).
pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A calendar date (`date`, used by SEARCH criteria), e.g. `1-Feb-1994`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Date {
    /// Four-digit year.
    pub year: u16,
    /// Month, 1-12.
    pub month: u8,
    /// Day of month, 1-31.
    pub day: u8,
}

impl Date {
    /// A validated date: a year of four digits at most, and a day that exists in its month of
    /// the Gregorian calendar (so `Date::new(2023, 2, 29)` is `None`).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        Self::any_day(year, month, day).filter(|_| day <= Self::days_in_month(year, month))
    }

    /// A date as the IMAP grammar allows it: a year of four digits at most, a month from 1 to 12
    /// and a day from 1 to 31, whatever the month (`31-Feb-2024` is kept as a server sent it).
    pub(crate) fn any_day(year: u16, month: u8, day: u8) -> Option<Date> {
        (year <= 9999 && (1..=12).contains(&month) && (1..=31).contains(&day)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// The number of days in `month` (1 to 12) of `year`; 0 for a month out of range.
    pub fn days_in_month(year: u16, month: u8) -> u8 {
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => 0,
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{:04}",
            self.day,
            MONTHS[usize::from(self.month.clamp(1, 12)) - 1],
            self.year
        )
    }
}

/// A date and time with zone (`date-time`, used by INTERNALDATE and APPEND), e.g.
/// `17-Jul-1996 02:44:25 -0700`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct DateTime {
    /// The local date.
    pub date: Date,
    /// Hour, 0-23.
    pub hour: u8,
    /// Minute, 0-59.
    pub minute: u8,
    /// Second, 0-60.
    pub second: u8,
    /// Offset from UTC in minutes, -5999..=5999 (`zone = ("+" / "-") 4DIGIT`).
    pub zone_minutes: i16,
}

impl DateTime {
    /// A validated date-time.
    pub fn new(date: Date, hour: u8, minute: u8, second: u8, zone_minutes: i16) -> Option<Self> {
        (hour < 24 && minute < 60 && second <= 60 && zone_minutes.abs() < 100 * 60).then_some(
            DateTime {
                date,
                hour,
                minute,
                second,
                zone_minutes,
            },
        )
    }

    /// Seconds since the Unix epoch (UTC), for comparisons and conversions.
    pub fn unix_timestamp(&self) -> i64 {
        let days = days_from_civil(
            i64::from(self.date.year),
            i64::from(self.date.month),
            i64::from(self.date.day),
        );
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - i64::from(self.zone_minutes) * 60
    }

    /// The UTC date-time for `secs` seconds since the Unix epoch.
    pub fn from_unix_timestamp(secs: i64) -> Option<DateTime> {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let date = Date::new(u16::try_from(y).ok()?, m as u8, d as u8)?;
        DateTime::new(
            date,
            (rem / 3600) as u8,
            (rem / 60 % 60) as u8,
            (rem % 60) as u8,
            0,
        )
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let z = self.zone_minutes;
        write!(
            f,
            "{:02}-{}-{:04} {:02}:{:02}:{:02} {}{:02}{:02}",
            self.date.day,
            MONTHS[usize::from(self.date.month.clamp(1, 12)) - 1],
            self.date.year,
            self.hour,
            self.minute,
            self.second,
            if z < 0 { '-' } else { '+' },
            z.unsigned_abs() / 60,
            z.unsigned_abs() % 60
        )
    }
}

// Howard Hinnant's civil-date algorithms (public domain), proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_matches_rfc() {
        let dt = DateTime::new(Date::new(1996, 7, 17).unwrap(), 2, 44, 25, -420).unwrap();
        assert_eq!(dt.to_string(), "17-Jul-1996 02:44:25 -0700");
        assert_eq!(Date::new(1994, 2, 1).unwrap().to_string(), "1-Feb-1994");
    }

    #[test]
    fn dates_must_exist_in_the_calendar() {
        assert!(Date::new(2024, 2, 29).is_some(), "leap year");
        assert!(Date::new(2000, 2, 29).is_some(), "divisible by 400");
        assert!(Date::new(1900, 2, 29).is_none(), "divisible by 100 only");
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(2024, 2, 31).is_none());
        assert!(Date::new(2024, 4, 31).is_none());
        assert!(Date::new(2024, 12, 31).is_some());
        assert!(Date::new(2024, 1, 0).is_none());
        assert!(Date::new(2024, 13, 1).is_none());
        assert!(Date::new(10_000, 1, 1).is_none());
        // Every day the Unix-time conversion produces is accepted, and no other.
        for days in 0..(366 * 4) {
            let dt = DateTime::from_unix_timestamp(days * 86_400 + 951_782_400).unwrap();
            let d = dt.date;
            assert_eq!(Date::new(d.year, d.month, d.day), Some(d));
            assert_eq!(
                Date::new(d.year, d.month, d.day + 1).is_some(),
                d.day < Date::days_in_month(d.year, d.month)
            );
        }
    }

    #[test]
    fn unix_round_trip() {
        let dt = DateTime::new(Date::new(2024, 2, 29).unwrap(), 23, 59, 1, 0).unwrap();
        assert_eq!(DateTime::from_unix_timestamp(dt.unix_timestamp()), Some(dt));
        assert_eq!(DateTime::from_unix_timestamp(0).unwrap().date.year, 1970);
    }
}
