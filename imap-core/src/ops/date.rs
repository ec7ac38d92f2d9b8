//! Dates: INTERNALDATE ([`DateTime`]) to and from [`SystemTime`] (in UTC or the local zone),
//! SEARCH dates ([`Date`]) from
//! text, and, with the `time` feature, conversions to and from `time::OffsetDateTime`.

use crate::types::datetime::MONTHS;
use crate::types::{Date, DateTime};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The instant a date-time names.
pub fn to_system_time(dt: &DateTime) -> SystemTime {
    let secs = dt.unix_timestamp();
    if secs >= 0 {
        UNIX_EPOCH + Duration::from_secs(secs.unsigned_abs())
    } else {
        UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs())
    }
}

/// The date-time (in UTC, zone `+0000`) of an instant, to the second. `None` outside years
/// 0 to 9999.
pub fn from_system_time(t: SystemTime) -> Option<DateTime> {
    let secs = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).ok()?,
        Err(e) => -i64::try_from(e.duration().as_secs()).ok()?,
    };
    DateTime::from_unix_timestamp(secs)
}

/// The date-time of an instant in this machine's local zone (daylight saving included), to
/// the second: what a mail client shows and sends. `None` outside years 0 to 9999.
pub fn from_system_time_local(t: SystemTime) -> Option<DateTime> {
    let secs = from_system_time(t)?.unix_timestamp();
    crate::decode::date::at_offset(secs, crate::decode::date::local_offset_minutes(secs))
}

/// Now, in this machine's local zone: the date [`crate::ops::op::append`] gives a message
/// appended without one.
pub fn now_local() -> Option<DateTime> {
    from_system_time_local(SystemTime::now())
}

/// The UTC calendar date of an instant (for SEARCH `SINCE` and friends).
pub fn date_of(t: SystemTime) -> Option<Date> {
    from_system_time(t).map(|dt| dt.date)
}

/// Parses a SEARCH date, `13-Jul-2013` (month names without regard to case).
pub fn parse_date(text: &str) -> Option<Date> {
    let mut it = text.trim().split('-');
    let day: u8 = it.next()?.parse().ok()?;
    let month = it.next()?;
    let year: u16 = it.next()?.parse().ok()?;
    if it.next().is_some() {
        return None;
    }
    let m = MONTHS.iter().position(|n| n.eq_ignore_ascii_case(month))?;
    Date::new(year, u8::try_from(m + 1).ok()?, day)
}

/// Parses an INTERNALDATE, `17-Jul-1996 02:44:25 -0700` (a leading space for one-digit days
/// is accepted).
pub fn parse_date_time(text: &str) -> Option<DateTime> {
    let mut it = text.split_ascii_whitespace();
    let date = parse_date(it.next()?)?;
    let time = it.next()?;
    let zone = it.next()?;
    if it.next().is_some() {
        return None;
    }
    let mut t = time.split(':');
    let hour: u8 = t.next()?.parse().ok()?;
    let minute: u8 = t.next()?.parse().ok()?;
    let second: u8 = t.next()?.parse().ok()?;
    let (sign, digits) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hh: i16 = digits[..2].parse().ok()?;
    let mm: i16 = digits[2..].parse().ok()?;
    DateTime::new(date, hour, minute, second, sign * (hh * 60 + mm))
}

/// Conversions to and from the `time` crate.
#[cfg(feature = "time")]
mod time_conv {
    use super::{Date, DateTime};

    /// The date-time as a `time::OffsetDateTime`, keeping its zone.
    pub fn to_offset_date_time(dt: &DateTime) -> Option<time::OffsetDateTime> {
        let offset = time::UtcOffset::from_whole_seconds(i32::from(dt.zone_minutes) * 60).ok()?;
        time::OffsetDateTime::from_unix_timestamp(dt.unix_timestamp())
            .ok()
            .map(|t| t.to_offset(offset))
    }

    /// The date-time of a `time::OffsetDateTime`, keeping its offset (to the minute).
    pub fn from_offset_date_time(t: time::OffsetDateTime) -> Option<DateTime> {
        let date = Date::new(u16::try_from(t.year()).ok()?, u8::from(t.month()), t.day())?;
        let zone = t.offset().whole_minutes();
        DateTime::new(date, t.hour(), t.minute(), t.second(), zone)
    }

    /// A SEARCH date from a `time::Date`.
    pub fn from_time_date(d: time::Date) -> Option<Date> {
        Date::new(u16::try_from(d.year()).ok()?, u8::from(d.month()), d.day())
    }
}

#[cfg(feature = "time")]
pub use time_conv::{from_offset_date_time, from_time_date, to_offset_date_time};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_carry_the_local_offset() {
        let now = now_local().unwrap();
        let offset = crate::decode::date::local_offset_minutes(now.unix_timestamp());
        assert_eq!(now.zone_minutes, offset);
        let st = to_system_time(&now);
        assert_eq!(from_system_time_local(st), Some(now));
        assert_eq!(
            from_system_time(st).unwrap().unix_timestamp(),
            now.unix_timestamp()
        );
    }

    #[test]
    fn text_and_system_time_round_trip() {
        let dt = parse_date_time("17-Jul-1996 02:44:25 -0700").unwrap();
        assert_eq!(dt.to_string(), "17-Jul-1996 02:44:25 -0700");
        let st = to_system_time(&dt);
        let back = from_system_time(st).unwrap();
        assert_eq!(back.unix_timestamp(), dt.unix_timestamp());
        assert_eq!(back.zone_minutes, 0);
        assert_eq!(parse_date("13-jul-2013"), Date::new(2013, 7, 13));
        assert_eq!(parse_date("13-Foo-2013"), None);
        assert!(parse_date_time(" 1-Feb-2000 00:00:00 +0100").is_some());
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_crate_round_trip() {
        let dt = parse_date_time("17-Jul-1996 02:44:25 -0700").unwrap();
        let t = to_offset_date_time(&dt).unwrap();
        assert_eq!(t.hour(), 2);
        assert_eq!(from_offset_date_time(t), Some(dt));
    }
}
