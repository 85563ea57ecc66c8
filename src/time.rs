//! Calendar arithmetic for the two dates the protocols carry: an HTTP `Retry-After` date
//! (RFC 9110) and the TC3 credential date (API-NOTES-V3 "TC3-HMAC-SHA256" step 2). Proleptic
//! Gregorian, UTC, from 1970 on; no clock is read here.

use alloc::string::String;

use crate::text::cat;

/// The month names of an HTTP date (RFC 9110 §5.6.7), January first.
pub const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Days from 1970-01-01 to `year-month-day` (year ≥ 1970, month 1–12).
pub fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `(year, month, day)` of the day `days` after 1970-01-01: the inverse of [`days_from_civil`].
pub fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + u64::from(month <= 2), month, day)
}

/// The UTC date of a Unix timestamp as `YYYY-MM-DD`.
pub fn utc_date(timestamp: u64) -> String {
    let (y, m, d) = civil_from_days(timestamp / 86_400);
    // Month and day are 1–31: two digits each.
    let digit = |n: u64| char::from(b'0' + (n % 10) as u8);
    cat!(y, '-', digit(m / 10), digit(m), '-', digit(d / 10), digit(d))
}
