//! Proleptic Gregorian calendar arithmetic: a civil date and time to seconds since 1970 and back.

/// Seconds since 1970 of a proleptic Gregorian date and time, checking every field's range.
pub(crate) fn civil_seconds(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
) -> Option<i64> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month) || day < 1 || day > month_days[(month - 1) as usize] {
        return None;
    }
    // A leap second (60) is accepted and folded into the next minute, as RFC 3339 allows it.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The civil date and time of seconds since 1970: year, month, day, hour, minute, second.
pub(crate) fn civil_from_seconds(seconds: i64) -> (i64, i64, i64, i64, i64, i64) {
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60,
    )
}

#[cfg(test)]
mod tests {
    use super::{civil_from_seconds, civil_seconds};

    #[test]
    fn seconds_and_civil_dates_round_trip_across_leap_years_and_1970() {
        for day in -800_000..800_000_i64 {
            let seconds = day * 86_400 + 3_723;
            let (year, month, day, hour, minute, second) = civil_from_seconds(seconds);
            assert_eq!(
                civil_seconds(year, month, day, hour, minute, second),
                Some(seconds)
            );
        }
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert_eq!(civil_seconds(2019, 2, 29, 0, 0, 0), None);
        assert_eq!(civil_seconds(1900, 2, 29, 0, 0, 0), None);
        assert!(civil_seconds(2000, 2, 29, 0, 0, 0).is_some());
        assert_eq!(civil_seconds(2019, 4, 31, 0, 0, 0), None);
        assert_eq!(civil_seconds(2019, 13, 1, 0, 0, 0), None);
        assert_eq!(civil_seconds(2019, 1, 1, 24, 0, 0), None);
    }
}
