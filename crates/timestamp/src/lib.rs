//! Smithy's `timestamp` shape and its three formats: epoch seconds, RFC 3339 `date-time` and
//! IMF-fixdate `http-date`, parsed and written exactly, to the nanosecond. Shared by the runtime,
//! which reads and writes requests and responses with it, and the code generator, which reads
//! `@default` timestamps with it, so a default and a request are read alike.

use std::fmt;

use civil::{civil_from_seconds, civil_seconds};

mod civil;

/// An instant, to the nanosecond, in UTC.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    seconds: i64,
    /// Always in `0..1_000_000_000`, also for instants before 1970.
    nanos: u32,
}

/// How a timestamp is written, from `@timestampFormat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    /// A JSON number of seconds since 1970, fractions allowed: awsJson's default.
    EpochSeconds,
    /// RFC 3339, e.g. `1985-04-12T23:20:50.52Z`.
    DateTime,
    /// IMF-fixdate, e.g. `Tue, 29 Apr 2014 18:30:38 GMT`.
    HttpDate,
}

const NANOS_PER_SECOND: i64 = 1_000_000_000;
const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Timestamp {
    /// Seconds and nanoseconds since 1970-01-01T00:00:00Z; nanoseconds past a second carry over.
    pub fn new(seconds: i64, nanos: u32) -> Self {
        let extra = i64::from(nanos) / NANOS_PER_SECOND;
        Self {
            seconds: seconds.saturating_add(extra),
            nanos: nanos % 1_000_000_000,
        }
    }

    /// Whole seconds since 1970.
    pub fn from_secs(seconds: i64) -> Self {
        Self { seconds, nanos: 0 }
    }

    /// Milliseconds since 1970.
    pub fn from_millis(millis: i64) -> Self {
        Self::new(
            millis.div_euclid(1000),
            (millis.rem_euclid(1000) * 1_000_000) as u32,
        )
    }

    /// The current time.
    pub fn now() -> Self {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(since) => Self::new(since.as_secs() as i64, since.subsec_nanos()),
            Err(_) => Self::from_secs(0),
        }
    }

    /// Whole seconds since 1970 (rounded down).
    pub fn secs(&self) -> i64 {
        self.seconds
    }

    /// Nanoseconds past [`Self::secs`].
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Milliseconds since 1970 (rounded down).
    pub fn as_millis(&self) -> i64 {
        self.seconds.saturating_mul(1000) + i64::from(self.nanos / 1_000_000)
    }

    /// Reads a decimal number of epoch seconds exactly (`1515531081.123`, `-1.5`, `1e3`).
    pub fn parse_epoch_seconds(text: &str) -> Option<Self> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        if unsigned.contains(['e', 'E']) {
            let value: f64 = text.parse().ok()?;
            return Self::from_f64(value);
        }
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let nanos = if fraction.is_empty() {
            0
        } else {
            fraction_nanos(fraction)?
        };
        let seconds: i64 = whole.parse().ok()?;
        let total = if negative {
            -(i128::from(seconds) * i128::from(NANOS_PER_SECOND) + i128::from(nanos))
        } else {
            i128::from(seconds) * i128::from(NANOS_PER_SECOND) + i128::from(nanos)
        };
        Self::from_total_nanos(total)
    }

    fn from_f64(value: f64) -> Option<Self> {
        if !value.is_finite() || value.abs() > 1e17 {
            return None;
        }
        let total = (value * 1e9).round() as i128;
        Self::from_total_nanos(total)
    }

    fn from_total_nanos(total: i128) -> Option<Self> {
        let per = i128::from(NANOS_PER_SECOND);
        let seconds = i64::try_from(total.div_euclid(per)).ok()?;
        Some(Self {
            seconds,
            nanos: total.rem_euclid(per) as u32,
        })
    }

    /// Writes epoch seconds: an integer when there is no fraction, else the shortest exact decimal.
    pub fn format_epoch_seconds(&self) -> String {
        if self.nanos == 0 {
            return self.seconds.to_string();
        }
        let total =
            i128::from(self.seconds) * i128::from(NANOS_PER_SECOND) + i128::from(self.nanos);
        let sign = if total < 0 { "-" } else { "" };
        let magnitude = total.unsigned_abs();
        let whole = magnitude / 1_000_000_000;
        let fraction = format!("{:09}", magnitude % 1_000_000_000);
        format!("{sign}{whole}.{}", fraction.trim_end_matches('0'))
    }

    /// Parses RFC 3339 (`date-time`), with `Z` or a numeric offset, fractions to the nanosecond.
    pub fn parse_date_time(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
            return None;
        }
        if b[13] != b':' || b[16] != b':' {
            return None;
        }
        let year = digits(&b[0..4])?;
        let month = digits(&b[5..7])?;
        let day = digits(&b[8..10])?;
        let hour = digits(&b[11..13])?;
        let minute = digits(&b[14..16])?;
        let second = digits(&b[17..19])?;
        let mut at = 19;
        let mut nanos = 0;
        if b[at] == b'.' {
            let digits = b[at + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            nanos = fraction_nanos(&text[at + 1..at + 1 + digits])?;
            at += 1 + digits;
        }
        let offset_seconds = match b.get(at)? {
            b'Z' | b'z' if at + 1 == b.len() => 0,
            sign @ (b'+' | b'-') if at + 6 == b.len() && b[at + 3] == b':' => {
                let hours = digits(&b[at + 1..at + 3])?;
                let minutes = digits(&b[at + 4..at + 6])?;
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let offset = hours * 3600 + minutes * 60;
                if *sign == b'+' { offset } else { -offset }
            }
            _ => return None,
        };
        let seconds = civil_seconds(year, month, day, hour, minute, second)? - offset_seconds;
        Some(Self::new(seconds, nanos as u32))
    }

    /// Parses Smithy's `date-time` as a request carries it and a `@default` holds it: RFC 3339
    /// ending in `Z`. The format is "RFC 3339 with no UTC offset", so a numeric offset, even
    /// `+00:00`, is refused (the protocol suites' `RestJson*RejectsUTCOffsets` cases).
    pub fn parse_utc_date_time(text: &str) -> Option<Self> {
        if !text.ends_with(['Z', 'z']) {
            return None;
        }
        Self::parse_date_time(text)
    }

    /// Writes RFC 3339 in UTC, with as many fraction digits as needed and none when whole.
    pub fn format_date_time(&self) -> String {
        let (year, month, day, hour, minute, second) = civil_from_seconds(self.seconds);
        format!(
            "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{}Z",
            self.fraction_text()
        )
    }

    /// Parses IMF-fixdate (`Tue, 29 Apr 2014 18:30:38 GMT`), with an optional fraction of a second.
    pub fn parse_http_date(text: &str) -> Option<Self> {
        let rest = text.get(5..)?;
        if text.as_bytes().get(3) != Some(&b',') || !WEEKDAYS.contains(&&text[..3]) {
            return None;
        }
        let mut parts = rest.split(' ');
        let day = digits(parts.next()?.as_bytes())?;
        let month_name = parts.next()?;
        let month = MONTHS.iter().position(|m| *m == month_name)? as i64 + 1;
        let year = digits(parts.next()?.as_bytes())?;
        let time = parts.next()?;
        if parts.next()? != "GMT" || parts.next().is_some() {
            return None;
        }
        let (clock, fraction) = time.split_once('.').unwrap_or((time, ""));
        let cb = clock.as_bytes();
        if cb.len() != 8 || cb[2] != b':' || cb[5] != b':' {
            return None;
        }
        let seconds = civil_seconds(
            year,
            month,
            day,
            digits(&cb[0..2])?,
            digits(&cb[3..5])?,
            digits(&cb[6..8])?,
        )?;
        let nanos = if time.contains('.') {
            fraction_nanos(fraction)?
        } else {
            0
        };
        Some(Self::new(seconds, nanos as u32))
    }

    /// Writes IMF-fixdate (RFC 9110), which has whole seconds: a fraction of a second is left
    /// out, as AWS leaves it out and strict HTTP-date readers refuse one.
    pub fn format_http_date(&self) -> String {
        let (year, month, day, hour, minute, second) = civil_from_seconds(self.seconds);
        let weekday = WEEKDAYS[self.seconds.div_euclid(86_400).rem_euclid(7) as usize];
        format!(
            "{weekday}, {day:02} {} {year:04} {hour:02}:{minute:02}:{second:02} GMT",
            MONTHS[(month - 1) as usize],
        )
    }

    fn fraction_text(&self) -> String {
        if self.nanos == 0 {
            return String::new();
        }
        let digits = format!("{:09}", self.nanos);
        format!(".{}", digits.trim_end_matches('0'))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_date_time())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_date_time())
    }
}

/// Nanoseconds of a decimal fraction of a second (`"123"` is 123,000,000); digits past the ninth
/// are dropped. At least one digit, digits only.
fn fraction_nanos(fraction: &str) -> Option<i64> {
    if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        fraction
            .bytes()
            .take(9)
            .enumerate()
            .map(|(i, digit)| i64::from(digit - b'0') * 10_i64.pow(8 - i as u32))
            .sum(),
    )
}

fn digits(bytes: &[u8]) -> Option<i64> {
    if bytes.is_empty() || bytes.len() > 9 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0, |n, b| n * 10 + i64::from(b - b'0')))
}

#[cfg(test)]
mod tests {
    use super::{Timestamp, TimestampFormat};

    /// Parses `text` in `format`, checks that it is written back unchanged, and gives the instant.
    fn round_trip(format: TimestampFormat, text: &str) -> Timestamp {
        let parsed = match format {
            TimestampFormat::EpochSeconds => Timestamp::parse_epoch_seconds(text),
            TimestampFormat::DateTime => Timestamp::parse_date_time(text),
            TimestampFormat::HttpDate => Timestamp::parse_http_date(text),
        };
        let at = parsed.unwrap_or_else(|| panic!("{text} does not parse"));
        let written = match format {
            TimestampFormat::EpochSeconds => at.format_epoch_seconds(),
            TimestampFormat::DateTime => at.format_date_time(),
            TimestampFormat::HttpDate => at.format_http_date(),
        };
        assert_eq!(written, text);
        at
    }

    #[test]
    fn epoch_seconds_are_exact() {
        let epoch_seconds = |text| {
            let at = round_trip(TimestampFormat::EpochSeconds, text);
            (at.secs(), at.subsec_nanos())
        };
        assert_eq!(
            epoch_seconds("1515531081.123"),
            (1_515_531_081, 123_000_000)
        );
        assert_eq!(epoch_seconds("-1.5"), (-2, 500_000_000));
        assert_eq!(Timestamp::parse_epoch_seconds("1e3").unwrap().secs(), 1000);
        assert!(Timestamp::parse_epoch_seconds("abc").is_none());
    }

    #[test]
    fn date_time_round_trips_and_honours_offsets() {
        let date_time = |text| round_trip(TimestampFormat::DateTime, text);
        assert_eq!(date_time("2000-01-02T20:34:56.123Z").secs(), 946_845_296);
        let offset = Timestamp::parse_date_time("2019-12-16T22:48:18-01:00").unwrap();
        assert_eq!(offset, date_time("2019-12-16T23:48:18Z"));
        assert!(Timestamp::parse_date_time("2019-02-30T00:00:00Z").is_none());
        assert!(Timestamp::parse_date_time("2019-12-16 22:48:18Z").is_none());
    }

    #[test]
    fn date_times_check_every_field() {
        let at = |text| Timestamp::parse_date_time(text).map(|t| (t.secs(), t.subsec_nanos()));
        assert_eq!(at("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(at("1969-12-31T23:59:59Z"), Some((-1, 0)));
        assert_eq!(
            at("2000-02-29T12:00:00.25Z"),
            Some((951_825_600, 250_000_000))
        );
        assert_eq!(at("1970-01-01T01:00:00+01:00"), Some((0, 0)));
        // Digits past the nanosecond are dropped, not refused: RFC 3339 puts no limit on them.
        assert_eq!(
            at("1970-01-01T00:00:00.1234567891Z"),
            Some((0, 123_456_789))
        );
        assert_eq!(at("2000-13-01T00:00:00Z"), None);
        assert_eq!(at("2019-04-31T00:00:00Z"), None);
        assert_eq!(at("1970-01-01T00:00:00.Z"), None);
        assert_eq!(at("1970-01-01T00:00:00+24:00"), None);
        assert_eq!(at("1970-01-01T00:00:00++1:00"), None);
        assert_eq!(at("1970-01-01T00:00:00+0100"), None);
        assert_eq!(at("yesterday"), None);
    }

    #[test]
    fn epoch_seconds_keep_every_digit_to_the_nanosecond() {
        let at = |text| Timestamp::parse_epoch_seconds(text).map(|t| (t.secs(), t.subsec_nanos()));
        assert_eq!(at("1515531081.1234"), Some((1_515_531_081, 123_400_000)));
        assert_eq!(at("-0.25"), Some((-1, 750_000_000)));
        assert_eq!(at("1.5E1"), Some((15, 0)));
        assert_eq!(at("+1"), None);
        assert_eq!(at(".5"), None);
    }

    #[test]
    fn utc_date_time_refuses_offsets() {
        let t = Timestamp::parse_utc_date_time("2019-12-16t23:48:18z").unwrap();
        assert_eq!(t.format_date_time(), "2019-12-16T23:48:18Z");
        assert!(Timestamp::parse_utc_date_time("2019-12-16T22:48:18-01:00").is_none());
        assert!(Timestamp::parse_utc_date_time("2019-12-16T23:48:18+00:00").is_none());
        assert!(Timestamp::parse_utc_date_time("2019-12-16T23:48:18").is_none());
    }

    #[test]
    fn http_date_round_trips() {
        let http_date = |text| round_trip(TimestampFormat::HttpDate, text);
        assert_eq!(
            http_date("Sun, 02 Jan 2000 20:34:56 GMT").secs(),
            946_845_296
        );
        // A fraction is read (as clients may send one) but never written: IMF-fixdate has
        // whole seconds.
        let fractional = Timestamp::parse_http_date("Sun, 02 Jan 2000 20:34:56.123 GMT");
        assert_eq!(fractional.map(|t| t.subsec_nanos()), Some(123_000_000));
        assert_eq!(
            fractional.map(|t| t.format_http_date()).as_deref(),
            Some("Sun, 02 Jan 2000 20:34:56 GMT")
        );
        assert!(Timestamp::parse_http_date("Mon, 02 Jan 2000 20:34:56 GMT").is_some());
        assert!(Timestamp::parse_http_date("Sun 02 Jan 2000 20:34:56 GMT").is_none());
    }

    #[test]
    fn dates_before_1970() {
        let t = round_trip(TimestampFormat::DateTime, "1969-12-31T23:59:59.5Z");
        assert_eq!((t.secs(), t.subsec_nanos()), (-1, 500_000_000));
    }
}
