//! Dates of mail: the ENVELOPE `Date:` header (RFC 5322 `date-time`, with the obsolete and
//! broken forms real mail has) as a [`DateTime`], and normalising a date to UTC or the local
//! zone, like IMAPClient's `normalise_times`.

use crate::types::datetime::MONTHS;
use crate::types::{Date, DateTime};

/// Where [`normalise`] puts a date's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Normalise {
    /// The zone the date was written in (no change).
    #[default]
    AsSent,
    /// UTC (`+0000`).
    Utc,
    /// This machine's local zone at that instant (daylight saving included).
    Local,
}

/// `dt` as the same instant in the zone `to` asks for. A date that would leave years 0-9999
/// is returned unchanged.
pub fn normalise(dt: &DateTime, to: Normalise) -> DateTime {
    let offset = match to {
        Normalise::AsSent => return *dt,
        Normalise::Utc => 0,
        Normalise::Local => local_offset_minutes(dt.unix_timestamp()),
    };
    at_offset(dt.unix_timestamp(), offset).unwrap_or(*dt)
}

/// The instant `secs` (seconds since the Unix epoch) written with a zone of `offset` minutes.
pub fn at_offset(secs: i64, offset: i16) -> Option<DateTime> {
    let mut dt = DateTime::from_unix_timestamp(secs + i64::from(offset) * 60)?;
    dt.zone_minutes = offset;
    Some(dt)
}

/// This machine's UTC offset in minutes at the instant `secs` (the system time-zone database,
/// through `chrono`); 0 when it cannot be told.
pub fn local_offset_minutes(secs: i64) -> i16 {
    use chrono::{Local, Offset, TimeZone};
    Local
        .timestamp_opt(secs, 0)
        .single()
        .map(|t| t.offset().fix().local_minus_utc() / 60)
        .and_then(|m| i16::try_from(m).ok())
        .unwrap_or(0)
}

/// Parses a `Date:` header value.
///
/// RFC 5322 section 3.3: `date-time = [ day-of-week "," ] date time [CFWS]`, `date = day month
/// year`, `time = hour ":" minute [ ":" second ] FWS zone`; and section 4.3's obsolete forms:
/// two-digit years (below 50 are 20xx, else 19xx), three-digit years (+1900), zones `UT`,
/// `GMT`, the US zones (`EST`, `PDT`, ...) and military letters (read as `-0000`, as 4.3 says).
/// Tolerated besides: comments anywhere (`(CEST)`), a missing day of week or comma, missing
/// seconds, a missing zone (UTC), a leap second (read as :59), month before day and the year
/// after the time (`asctime` form, `Wed Jul  2 10:52:37 2003`), `+hh:mm` zones.
pub fn parse_mail_date(text: &str) -> Option<DateTime> {
    let text = strip_comments(text);
    let mut day = None;
    let mut month = None;
    let mut year = None;
    let mut time = None;
    let mut zone = None;
    for token in text.split(|c: char| c.is_whitespace() || c == ',') {
        if token.is_empty() {
            continue;
        }
        let first = token.as_bytes()[0];
        if time.is_some() && zone.is_none() && (first == b'+' || first == b'-') {
            zone = Some(numeric_zone(&token[1..], first == b'-')?);
        } else if token.contains(':') {
            if time.is_some() {
                return None;
            }
            time = Some(parse_time(token)?);
        } else if first.is_ascii_digit() {
            if !token.bytes().all(|b| b.is_ascii_digit()) || token.len() > 4 {
                // `1-Jul-2003`: the dashed form of INTERNALDATE some mailers write.
                let mut parts = token.split('-');
                day = Some(parts.next()?.parse().ok()?);
                month = Some(month_number(parts.next()?)?);
                year = Some(full_year(parts.next()?)?);
                continue;
            }
            if day.is_none() && token.len() <= 2 {
                day = Some(token.parse::<u8>().ok()?);
            } else if year.is_none() {
                year = Some(full_year(token)?);
            } else {
                return None;
            }
        } else if let Some(m) = month_number(token) {
            if month.is_some() {
                return None;
            }
            month = Some(m);
        } else if is_day_name(token) && month.is_none() {
            continue;
        } else if time.is_some() && zone.is_none() {
            zone = Some(named_zone(token)?);
        } else {
            return None;
        }
    }
    let (hour, minute, second) = time?;
    let date = Date::new(year?, month?, day?)?;
    DateTime::new(date, hour, minute, second.min(59), zone.unwrap_or(0))
}

/// Removes `( ... )` comments, nested and with `\` quoting (RFC 5322 section 3.2.2 `comment`);
/// an unclosed comment runs to the end.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => {
                depth -= 1;
                out.push(' ');
            }
            '\\' if depth > 0 => {
                chars.next();
            }
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn parse_time(token: &str) -> Option<(u8, u8, u8)> {
    let mut it = token.split(':');
    let hour = it.next()?.parse().ok()?;
    let minute = it.next()?.parse().ok()?;
    let second = match it.next() {
        Some(s) => s.parse().ok()?,
        None => 0,
    };
    if it.next().is_some() {
        return None;
    }
    Some((hour, minute, second))
}

/// `zone = ("+" / "-") 4DIGIT`; also `hh:mm` and `hh`.
fn numeric_zone(digits: &str, negative: bool) -> Option<i16> {
    let digits: String = digits.chars().filter(|&c| c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i16, i16) = match digits.len() {
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        1 | 2 => (digits.parse().ok()?, 0),
        _ => return None,
    };
    if m >= 60 {
        return None;
    }
    let minutes = h * 60 + m;
    Some(if negative { -minutes } else { minutes })
}

/// `obs-zone` (RFC 5322 section 4.3).
fn named_zone(name: &str) -> Option<i16> {
    let hours = match name.to_ascii_uppercase().as_str() {
        "UT" | "UTC" | "GMT" | "Z" => 0,
        "EDT" => -4,
        "EST" | "CDT" => -5,
        "CST" | "MDT" => -6,
        "MST" | "PDT" => -7,
        "PST" => -8,
        // Military zones: RFC 822 defined their signs backwards, so RFC 5322 reads them as
        // -0000 (unknown).
        z if z.len() == 1 && z.bytes().all(|b| b.is_ascii_alphabetic() && b != b'J') => 0,
        _ => return None,
    };
    Some(hours * 60)
}

fn month_number(name: &str) -> Option<u8> {
    let prefix = name.get(..3)?;
    let m = MONTHS.iter().position(|n| n.eq_ignore_ascii_case(prefix))?;
    u8::try_from(m + 1).ok()
}

fn is_day_name(name: &str) -> bool {
    name.get(..3).is_some_and(|p| {
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
            .iter()
            .any(|d| d.eq_ignore_ascii_case(p))
    })
}

/// RFC 5322 section 4.3 `obs-year`: two digits are 1950-2049, three digits are 1900 + them.
fn full_year(digits: &str) -> Option<u16> {
    let y: u16 = digits.parse().ok()?;
    Some(match digits.len() {
        1 | 2 if y < 50 => 2000 + y,
        1 | 2 => 1900 + y,
        3 => 1900 + y,
        _ => y,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn show(text: &str) -> String {
        parse_mail_date(text).map_or_else(|| "-".into(), |d| d.to_string())
    }

    #[test]
    fn real_mail_dates() {
        for (raw, want) in [
            (
                "Tue, 1 Jul 2003 10:52:37 +0200",
                "01-Jul-2003 10:52:37 +0200",
            ),
            (
                "Mon, 07 Dec 2026 00:57:54 -0000",
                "07-Dec-2026 00:57:54 +0000",
            ),
            ("1 Jul 2003 10:52:37 +0200", "01-Jul-2003 10:52:37 +0200"),
            (
                "Tue 1 Jul 2003 10:52:37 +0200",
                "01-Jul-2003 10:52:37 +0200",
            ),
            (
                "Thu, 21 Dec 2000 16:01:07 +0200 (EET)",
                "21-Dec-2000 16:01:07 +0200",
            ),
            (
                "Fri, 21 Nov 1997 09:55:06 -0600",
                "21-Nov-1997 09:55:06 -0600",
            ),
            ("Wed, 2 Oct 2002 08:00:00 EST", "02-Oct-2002 08:00:00 -0500"),
            ("Wed, 2 Oct 2002 08:00:00 PDT", "02-Oct-2002 08:00:00 -0700"),
            (
                "Sat, 24 Nov 2035 11:45:15 GMT",
                "24-Nov-2035 11:45:15 +0000",
            ),
            ("Sat, 24 Nov 2035 11:45:15 UT", "24-Nov-2035 11:45:15 +0000"),
            ("Sat, 24 Nov 2035 11:45:15 Z", "24-Nov-2035 11:45:15 +0000"),
            ("Sat, 24 Nov 2035 11:45:15 M", "24-Nov-2035 11:45:15 +0000"),
            ("Mon, 5 May 03 9:01:02 -0400", "05-May-2003 09:01:02 -0400"),
            ("Mon, 5 May 97 9:01:02 -0400", "05-May-1997 09:01:02 -0400"),
            ("Mon, 5 May 103 9:01:02 -0400", "05-May-2003 09:01:02 -0400"),
            ("Fri, 14 Jun 2024 16:20 +0100", "14-Jun-2024 16:20:00 +0100"),
            ("Tue, 1 Jul 2003 10:52:37", "01-Jul-2003 10:52:37 +0000"),
            ("Wed Jul  2 10:52:37 2003", "02-Jul-2003 10:52:37 +0000"),
            (
                "Thu, 13 Feb 1969 23:32:54 -0330 (Newfoundland Time)",
                "13-Feb-1969 23:32:54 -0330",
            ),
            (
                "Thu,\r\n 13\r\n  Feb\r\n 1969 23:32 -0330",
                "13-Feb-1969 23:32:00 -0330",
            ),
            (
                "(a (nested) comment) 1 jan 2000 00:00:00 +0000",
                "01-Jan-2000 00:00:00 +0000",
            ),
            ("31 Dec 1998 23:59:60 +0000", "31-Dec-1998 23:59:59 +0000"),
            (
                "Tue, 01 Jul 2003 10:52:37 +02:00",
                "01-Jul-2003 10:52:37 +0200",
            ),
            (
                "Tue, 1 July 2003 10:52:37 +0200",
                "01-Jul-2003 10:52:37 +0200",
            ),
            ("17-Jul-1996 02:44:25 -0700", "17-Jul-1996 02:44:25 -0700"),
        ] {
            assert_eq!(show(raw), want, "{raw}");
        }
    }

    #[test]
    fn nonsense_is_none() {
        for raw in [
            "",
            "yesterday",
            "31 Feb 2003 10:00:00 +0000",
            "1 Jul 2003",
            "1 Jul 2003 25:00:00 +0000",
            "1 Jul 2003 10:00:00 +0000 +0100",
            "1 Jul 2003 10:00:00 XYZ",
        ] {
            assert_eq!(parse_mail_date(raw), None, "{raw}");
        }
    }

    #[test]
    fn normalising_keeps_the_instant() {
        let dt = parse_mail_date("Tue, 1 Jul 2003 01:52:37 +0200").unwrap();
        let utc = normalise(&dt, Normalise::Utc);
        assert_eq!(utc.to_string(), "30-Jun-2003 23:52:37 +0000");
        let local = normalise(&dt, Normalise::Local);
        assert_eq!(local.unix_timestamp(), dt.unix_timestamp());
        assert_eq!(
            local.zone_minutes,
            local_offset_minutes(dt.unix_timestamp())
        );
        assert_eq!(normalise(&dt, Normalise::AsSent), dt);
    }

    proptest! {
        #[test]
        fn never_panics(text in "[ -~\\t]{0,60}") {
            let _ = parse_mail_date(&text);
        }

        #[test]
        fn written_dates_read_back(secs in -2_000_000_000i64..4_000_000_000, zone in -720i16..840) {
            let dt = at_offset(secs, zone).unwrap();
            let z = dt.zone_minutes.unsigned_abs();
            let text = format!(
                "{}, {} {} {} {:02}:{:02}:{:02} {}{:02}{:02}",
                "Mon", dt.date.day, MONTHS[usize::from(dt.date.month) - 1], dt.date.year,
                dt.hour, dt.minute, dt.second,
                if dt.zone_minutes < 0 { '-' } else { '+' }, z / 60, z % 60,
            );
            prop_assert_eq!(parse_mail_date(&text), Some(dt));
        }
    }
}
