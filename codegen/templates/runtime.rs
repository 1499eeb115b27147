//! `crm-runtime`: the runtime of the generated API clients. Sending requests (with
//! retries, a rate limit, OAuth 2 tokens and redirects that keep credentials on the API's
//! origin), the bounds of every call (time, response size, pages), decoding responses,
//! errors, secrets, timestamps, query strings and paging.
//!
//! It knows no vendor fact. A client crate gives its two as type parameters: the body of
//! the vendor's unsuccessful responses (`B` of [`Error`], decoded into [`Error::Api`]) and
//! the timestamp formats of its documentation (a [`DatetimeFormats`] type, `F` of
//! [`Timestamp`]), and names the runtime's types with them (`wealthbox::Error` is
//! `crm_runtime::Error<wealthbox::ApiErrorBody>`). Everything else is compiled here, once
//! for all the clients of a program: only what depends on a client's types (its models'
//! decoding, the body type of its errors) is generic. Items marked `#[doc(hidden)]` are
//! for the generated code, not part of the API.
#![forbid(unsafe_code)]

use std::fmt;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde::Serialize;

/// A calendar date (`2015-05-24`).
pub type Date = chrono::NaiveDate;

/// A secret (token or key): kept out of `Debug` output and error messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for sending it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_string())
    }
}

/// The timestamp formats of one API's documentation, for [`Timestamp`]: a client crate
/// implements it on a type of its own, its [`FormatList`] in a `static`.
pub trait DatetimeFormats: 'static {
    /// The formats, read into chrono's items once.
    fn formats() -> &'static FormatList;
}

/// Timestamp formats (chrono syntax; `rfc3339`), the first one used to send timestamps,
/// read into chrono's items once, on first use (not on every parse).
pub struct FormatList {
    names: &'static [&'static str],
    prepared: std::sync::OnceLock<Vec<Prepared>>,
}

impl FormatList {
    /// The formats `names` (chrono syntax; `rfc3339`).
    pub const fn new(names: &'static [&'static str]) -> FormatList {
        FormatList { names, prepared: std::sync::OnceLock::new() }
    }

    /// The formats, as given.
    pub fn names(&self) -> &'static [&'static str] {
        self.names
    }

    /// The formats, prepared for parsing.
    fn prepared(&self) -> &[Prepared] {
        self.prepared.get_or_init(|| self.names.iter().map(|format| Prepared::new(format)).collect())
    }
}

/// A format prepared for parsing: chrono's items, and what is known of it before any text.
struct Prepared {
    items: Vec<chrono::format::Item<'static>>,
    /// Whether the format gives an offset ([`has_offset`]).
    offset: bool,
    /// The one layout of the texts chrono writes in the format, when it has one.
    layout: Option<Layout>,
}

impl Prepared {
    fn new(format: &'static str) -> Prepared {
        let items: Vec<_> = chrono::format::StrftimeItems::new(format).collect();
        let offset = has_offset(format);
        // With an offset exactly when the format has one, as chrono's parser reads it
        // (`rfc3339`, a word to chrono's items, has no layout).
        let layout = Layout::of(&items).filter(|layout| layout.offset.is_some() == offset);
        Prepared { items, offset, layout }
    }
}

/// The layout of the texts chrono writes in a format whose items all have one width
/// (zero-padded numbers, am/pm, `%z`, ASCII literals and spaces), such as
/// `dddd-dd-dd dd:dd AM +dddd` for `%Y-%m-%d %I:%M %p %z`. A text of that layout is read
/// from known places; chrono's parser reads it the same (it reads more: unpadded
/// numbers, other spaces), so any other text, and any value out of range, is left to it.
struct Layout {
    /// The length of the texts.
    len: usize,
    /// The literal bytes, and where they are.
    literals: Box<[(usize, u8)]>,
    /// Where each field starts: four digits of the year, two of the others.
    year: usize,
    month: usize,
    day: usize,
    hour: Clock,
    minute: usize,
    second: Option<usize>,
    /// `+hhmm` or `-hhmm`.
    offset: Option<usize>,
}

#[derive(Clone, Copy)]
enum Clock {
    /// `%H`.
    Hours24(usize),
    /// `%I`, and `am` or `pm` (in any case) where `%p` is.
    Hours12 { hour: usize, am_pm: usize },
}

impl Layout {
    /// The layout of a format of `items`, when it has one and names a date and a time
    /// each once (what chrono needs to resolve a text without asking more of it).
    fn of(items: &[chrono::format::Item<'static>]) -> Option<Layout> {
        use chrono::format::{Fixed, Item, Numeric, Pad};
        let (mut len, mut literals) = (0, Vec::new());
        // Where each of year, month, day, %H, %I, minute, second, am/pm, offset starts.
        let mut at = [None; 9];
        for item in items {
            let (field, width) = match item {
                Item::Literal(text) | Item::Space(text) if text.is_ascii() => {
                    literals.extend(text.bytes().enumerate().map(|(i, byte)| (len + i, byte)));
                    len += text.len();
                    continue;
                }
                Item::Numeric(numeric, Pad::Zero) => match numeric {
                    Numeric::Year => (0, 4),
                    Numeric::Month => (1, 2),
                    Numeric::Day => (2, 2),
                    Numeric::Hour => (3, 2),
                    Numeric::Hour12 => (4, 2),
                    Numeric::Minute => (5, 2),
                    Numeric::Second => (6, 2),
                    _ => return None,
                },
                Item::Fixed(Fixed::LowerAmPm | Fixed::UpperAmPm) => (7, 2),
                Item::Fixed(Fixed::TimezoneOffset) => (8, 5),
                _ => return None,
            };
            if at[field].replace(len).is_some() {
                return None;
            }
            len += width;
        }
        // A 24-hour clock, or a 12-hour one with am/pm: not both, nor half of one.
        let hour = match (at[3], at[4], at[7]) {
            (Some(hour), None, None) => Clock::Hours24(hour),
            (None, Some(hour), Some(am_pm)) => Clock::Hours12 { hour, am_pm },
            _ => return None,
        };
        Some(Layout {
            len,
            literals: literals.into(),
            year: at[0]?,
            month: at[1]?,
            day: at[2]?,
            hour,
            minute: at[5]?,
            second: at[6],
            offset: at[8],
        })
    }

    /// `text`, when it has the layout and its values are in range; `None` leaves it to
    /// chrono's parser.
    fn read(&self, text: &str) -> Option<Moment> {
        let text = text.as_bytes();
        if text.len() != self.len || self.literals.iter().any(|&(at, byte)| text[at] != byte) {
            return None;
        }
        let year = two(text, self.year)? * 100 + two(text, self.year + 2)?;
        let hour = match self.hour {
            Clock::Hours24(at) => two(text, at)?,
            Clock::Hours12 { hour, am_pm } => {
                let pm = match (text[am_pm] | 0x20, text[am_pm + 1] | 0x20) {
                    (b'a', b'm') => false,
                    (b'p', b'm') => true,
                    _ => return None,
                };
                let hour = Some(two(text, hour)?).filter(|h| (1..=12).contains(h))?;
                hour % 12 + if pm { 12 } else { 0 }
            }
        };
        // Seconds up to 59: chrono reads 60 as a leap second, left to it.
        let second = match self.second {
            Some(at) => two(text, at)?,
            None => 0,
        };
        let date = chrono::NaiveDate::from_ymd_opt(year as i32, two(text, self.month)?, two(text, self.day)?)?;
        let local = date.and_time(chrono::NaiveTime::from_hms_opt(hour, two(text, self.minute)?, second)?);
        let offset = match self.offset {
            Some(at) => {
                let sign = match text[at] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let (hours, minutes) = (two(text, at + 1)?, two(text, at + 3)?);
                if hours > 23 || minutes > 59 {
                    return None;
                }
                Some(chrono::FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60) as i32)?)
            }
            None => None,
        };
        Some(Moment { local, offset, format: None })
    }
}

/// The two ASCII digits of `text` at `at`, as a number.
#[inline(always)]
fn two(text: &[u8], at: usize) -> Option<u32> {
    match *text.get(at..at + 2)? {
        [tens @ b'0'..=b'9', ones @ b'0'..=b'9'] => Some(u32::from(tens - b'0') * 10 + u32::from(ones - b'0')),
        _ => None,
    }
}

impl fmt::Debug for FormatList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FormatList").field(&self.names).finish()
    }
}

/// A timestamp, with its UTC offset when the text gives one.
///
/// Read in the first of these that fits:
/// 1. a format of the documentation (`F`'s [`FormatList`]: a client's `DATETIME_FORMATS`,
///    chrono syntax; `rfc3339`);
/// 2. ISO 8601 / RFC 3339 in its extended form: a date `2015-05-24` alone (midnight, no
///    offset), or followed by `T` (or `t`, or a space) and a time `10:00`, `10:00:30` or
///    `10:00:30.123456789` (any number of fraction digits, nanoseconds kept), then
///    optionally an offset `Z` (or `z`), `+02:00`, `+0200` or `+02`. Without an offset
///    it is a local time ([`Timestamp::offset`] is `None`).
///
/// Nothing else: no basic form (`20150524T1000`), week or ordinal dates, comma as the
/// decimal sign, or zone names. Written back in the documented format it was read in, or
/// else in the documentation's first format with (or without) an offset like it, or else
/// as RFC 3339 (`2015-05-24T10:00:00`, without an offset, when it has none).
///
/// Only the thin layer that knows `F` is generic: parsing and writing are compiled once.
pub struct Timestamp<F> {
    at: Moment,
    formats: std::marker::PhantomData<fn() -> F>,
}

/// What a [`Timestamp`] holds, whatever its formats.
#[derive(Clone, Copy)]
struct Moment {
    local: chrono::NaiveDateTime,
    offset: Option<chrono::FixedOffset>,
    /// Index in the formats of the one it was read in (`None`: built in code, or read in
    /// a form the documentation does not list).
    format: Option<usize>,
}

impl fmt::Debug for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timestamp")
            .field("local", &self.local)
            .field("offset", &self.offset)
            .field("format", &self.format)
            .finish()
    }
}

fn has_offset(format: &str) -> bool {
    format == "rfc3339" || format.contains("%z") || format.contains("%:z") || format.contains("%#z")
}

/// Whether `text` has the layout of `pattern`, where `d` stands for an ASCII digit.
fn shaped(text: &str, pattern: &str) -> bool {
    text.len() == pattern.len()
        && text.bytes().zip(pattern.bytes()).all(|(t, p)| if p == b'd' { t.is_ascii_digit() } else { t == p })
}

/// `2015-05-24`, `2015-05-24T10:00:30.5+02:00` and the other forms [`Timestamp`] lists.
fn parse_iso(text: &str) -> Option<Moment> {
    let date = text.get(..10).filter(|date| shaped(date, "dddd-dd-dd"))?;
    let date = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let rest = &text[10..];
    if rest.is_empty() {
        return Some(Moment::local(date.and_time(chrono::NaiveTime::MIN)));
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (time, zone) = rest.split_at(rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len()));
    let (clock, fraction) = match time.split_once('.') {
        Some((clock, digits)) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => (clock, digits),
        Some(_) => return None,
        None => (time, ""),
    };
    let mut local = date.and_time(if shaped(clock, "dd:dd:dd") {
        chrono::NaiveTime::parse_from_str(clock, "%H:%M:%S").ok()?
    } else if shaped(clock, "dd:dd") && fraction.is_empty() {
        chrono::NaiveTime::parse_from_str(clock, "%H:%M").ok()?
    } else {
        return None;
    });
    if !fraction.is_empty() {
        let nanos: String = fraction.chars().chain(std::iter::repeat('0')).take(9).collect();
        local += chrono::Duration::nanoseconds(nanos.parse().ok()?);
    }
    let offset = match zone {
        "" => return Some(Moment::local(local)),
        "Z" | "z" => 0,
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let digits = &zone[1..];
            let (hours, minutes) = if shaped(digits, "dd") {
                (digits, "00")
            } else if shaped(digits, "dd:dd") {
                (&digits[..2], &digits[3..])
            } else if shaped(digits, "dddd") {
                (&digits[..2], &digits[2..])
            } else {
                return None;
            };
            let (hours, minutes): (i32, i32) = (hours.parse().ok()?, minutes.parse().ok()?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            sign * (hours * 3600 + minutes * 60)
        }
    };
    Some(Moment { local, offset: Some(chrono::FixedOffset::east_opt(offset)?), format: None })
}

impl Moment {
    fn local(local: chrono::NaiveDateTime) -> Moment {
        Moment { local, offset: None, format: None }
    }

    /// `text` in one of `formats`, or one of the ISO 8601 forms.
    fn parse(text: &str, formats: &FormatList) -> Option<Moment> {
        for (index, (format, prepared)) in formats.names.iter().zip(formats.prepared()).enumerate() {
            if let Some(mut t) = Moment::parse_with(text, format, prepared) {
                t.format = Some(index);
                return Some(t);
            }
        }
        parse_iso(text)
    }

    /// `text` in `format`: from the places of its layout when it has that, else as
    /// chrono's `parse_from_str` would read it (from the items prepared once).
    fn parse_with(text: &str, format: &str, prepared: &Prepared) -> Option<Moment> {
        if let Some(moment) = prepared.layout.as_ref().and_then(|layout| layout.read(text)) {
            return Some(moment);
        }
        let with_offset = if format == "rfc3339" {
            chrono::DateTime::parse_from_rfc3339(text).ok()?
        } else {
            let mut parsed = chrono::format::Parsed::new();
            chrono::format::parse(&mut parsed, text, prepared.items.iter()).ok()?;
            if !prepared.offset {
                let local = parsed.to_naive_datetime_with_offset(0).ok()?;
                return Some(Moment::local(local));
            }
            parsed.to_datetime().ok()?
        };
        Some(Moment::from(with_offset))
    }

    fn to_datetime(self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        let offset = self.offset?;
        self.local.and_local_timezone(offset).single()
    }

    /// Writes the moment in the format it was read in, or else the first of `formats`
    /// with (or without) an offset like it, or else RFC 3339.
    fn write(self, formats: &[&str], f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fits = |format: &str| has_offset(format) == self.offset.is_some();
        let format = self
            .format
            .and_then(|i| formats.get(i).copied())
            .filter(|f| fits(f))
            .or_else(|| formats.iter().copied().find(|f| fits(f)));
        match (format, self.to_datetime()) {
            (Some("rfc3339") | None, Some(at)) => f.write_str(&at.to_rfc3339()),
            (Some(format), Some(at)) => write!(f, "{}", at.format(format)),
            (Some(format), None) => write!(f, "{}", self.local.format(format)),
            (None, None) => write!(f, "{}", self.local.format("%Y-%m-%dT%H:%M:%S")),
        }
    }
}

impl PartialEq for Moment {
    /// Same instant (same local time when neither has an offset).
    fn eq(&self, other: &Self) -> bool {
        match (self.to_datetime(), other.to_datetime()) {
            (Some(a), Some(b)) => a == b,
            (None, None) => self.local == other.local,
            _ => false,
        }
    }
}

impl From<chrono::DateTime<chrono::FixedOffset>> for Moment {
    fn from(value: chrono::DateTime<chrono::FixedOffset>) -> Self {
        Moment { local: value.naive_local(), offset: Some(*value.offset()), format: None }
    }
}

impl<F: DatetimeFormats> Timestamp<F> {
    /// Parses `text` in one of the documented formats, or one of the ISO 8601 forms the
    /// type's documentation lists.
    pub fn parse(text: &str) -> Option<Self> {
        Moment::parse(text, F::formats()).map(Timestamp::at)
    }
}

impl<F> Timestamp<F> {
    fn at(at: Moment) -> Self {
        Timestamp { at, formats: std::marker::PhantomData }
    }

    /// A timestamp without an offset (local time of the account).
    pub fn from_local(local: chrono::NaiveDateTime) -> Self {
        Timestamp::at(Moment::local(local))
    }

    /// The date and time as written, without the offset.
    pub fn local(&self) -> chrono::NaiveDateTime {
        self.at.local
    }

    /// The UTC offset, when the text gave one.
    pub fn offset(&self) -> Option<chrono::FixedOffset> {
        self.at.offset
    }

    /// The instant, when the text gave an offset.
    pub fn to_datetime(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        self.at.to_datetime()
    }
}

impl<F> Clone for Timestamp<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F> Copy for Timestamp<F> {}

impl<F> fmt::Debug for Timestamp<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.at.fmt(f)
    }
}

impl<F> PartialEq for Timestamp<F> {
    /// Same instant (same local time when neither has an offset).
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}

impl<F: DatetimeFormats> fmt::Display for Timestamp<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.at.write(F::formats().names, f)
    }
}

impl<F: DatetimeFormats> std::str::FromStr for Timestamp<F> {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Timestamp::parse(text).ok_or_else(|| format!("not a timestamp in a documented or ISO 8601 form: {text:?}"))
    }
}

impl<F> From<chrono::DateTime<chrono::FixedOffset>> for Timestamp<F> {
    fn from(value: chrono::DateTime<chrono::FixedOffset>) -> Self {
        Timestamp::at(Moment::from(value))
    }
}

impl<F: DatetimeFormats> Serialize for Timestamp<F> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de, F: DatetimeFormats> serde::Deserialize<'de> for Timestamp<F> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Reads the text where it is (no copy of it), and fails right there.
        struct Text<F>(std::marker::PhantomData<fn() -> F>);
        impl<F: DatetimeFormats> serde::de::Visitor<'_> for Text<F> {
            type Value = Timestamp<F>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp as text")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Timestamp<F>, E> {
                text.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Text(std::marker::PhantomData))
    }
}

/// Everything that can go wrong with a call; `B` is the body of the vendor's unsuccessful
/// responses (a client's `ApiErrorBody`).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<B> {
    /// The request could not be sent or the response not received.
    Transport(reqwest::Error),
    /// No response within the timeout.
    Timeout,
    /// The server answered with an error status.
    Api {
        /// HTTP status.
        status: u16,
        /// The vendor's error body, when the body is one.
        body: Option<B>,
        /// The body as received (cut to a few kilobytes).
        raw: String,
    },
    /// The server said too many requests (429), and retrying did not help (or was not
    /// allowed).
    RateLimited {
        /// How long the server asked to wait, from `Retry-After`.
        retry_after: Option<Duration>,
        /// The body as received (cut to a few kilobytes).
        raw: String,
    },
    /// A successful response whose body is not the documented shape.
    Decode {
        /// HTTP status.
        status: u16,
        /// Where in the JSON the body stopped matching (`contacts[3].id`).
        path: String,
        /// What did not match.
        message: String,
        /// The start of the body.
        excerpt: String,
    },
    /// OAuth 2 failed: no token stored, no refresh token, or the token endpoint refused.
    /// The message never holds a token.
    Auth(String),
    /// The request could not be built (a bad base URL or base URL variable, a body that
    /// cannot be encoded).
    InvalidRequest(String),
    /// A redirect the client did not follow: to another origin (credentials never leave
    /// the API's origin; `ClientBuilder::follow_cross_origin_redirects` follows such
    /// redirects without them), to a scheme other than HTTP(S), or more than
    /// [`MAX_REDIRECTS`] in a row.
    Redirect {
        /// HTTP status of the redirect.
        status: u16,
        /// Where it pointed: the origin (`https://host:port`) of the target, or the
        /// `Location` header as received (cut) when it is not a URL.
        location: String,
        /// Why it was not followed.
        reason: String,
    },
    /// The response body is larger than the client's limit
    /// (`ClientBuilder::max_response_bytes`); it was not read further.
    ResponseTooLarge {
        /// HTTP status.
        status: u16,
        /// The limit, in bytes.
        limit: u64,
    },
    /// Walking the pages of a list reached the page limit (`ClientBuilder::max_pages`, or
    /// `.max_pages` on the request) before the last page; the items of the pages walked
    /// came before this error.
    TooManyPages {
        /// The limit, in pages.
        limit: u64,
    },
    /// A page of a list holds the same items as a page walked before: the server ignores
    /// the page asked for, or goes round in a cycle. The walk stops here, after the items
    /// of every page before it.
    RepeatedPage {
        /// Which page of the walk repeated an earlier one (1: the first page walked).
        page: u64,
        /// Which page it repeated.
        same_as: u64,
    },
}

impl<B> Error<B> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Decode { status, .. }
            | Error::Redirect { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(429),
            _ => None,
        }
    }
}

impl<B> fmt::Display for Error<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Transport(e) => write!(f, "request failed: {}", without_url(e)),
            Error::Timeout => f.write_str("request timed out"),
            Error::Api { status, raw, .. } => write!(f, "API error {status}: {}", excerpt(raw, 200)),
            Error::RateLimited { retry_after: Some(d), .. } => write!(f, "rate limited (429), retry after {}s", d.as_secs()),
            Error::RateLimited { retry_after: None, .. } => f.write_str("rate limited (429)"),
            Error::Decode { status, path, message, excerpt } => {
                write!(f, "response {status} does not match the documented shape at `{path}`: {message} (body starts: {excerpt})")
            }
            Error::Auth(why) => write!(f, "OAuth: {why}"),
            Error::InvalidRequest(why) => write!(f, "invalid request: {why}"),
            Error::Redirect { status, location, reason } => {
                write!(f, "redirect {status} to {location} not followed: {reason}")
            }
            Error::ResponseTooLarge { status, limit } => {
                write!(f, "response {status} is larger than the limit of {limit} bytes; not read further")
            }
            Error::TooManyPages { limit } => {
                write!(f, "the list has more than {limit} pages, the page limit; stopped there (raise it with max_pages)")
            }
            Error::RepeatedPage { page, same_as } => write!(
                f,
                "page {page} of the list repeats page {same_as} (the server ignores the page asked for, or cycles); stopped"
            ),
        }
    }
}

impl<B: fmt::Debug> std::error::Error for Error<B> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}

/// The body of an unsuccessful response as received (the credential taken out, up to
/// 64 KiB), not decoded yet: what the runtime's own code, which knows no vendor's body
/// type, puts in [`Error::Api`]. A client's call decodes it into its `B` when it hands
/// the error over (`From<CoreError> for Error<B>`).
#[doc(hidden)]
pub struct Undecoded(String);

impl fmt::Debug for Undecoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Undecoded({} bytes)", self.0.len())
    }
}

/// The error of the runtime's own code (compiled once for every client).
#[doc(hidden)]
pub type CoreError = Error<Undecoded>;

impl<B: DeserializeOwned> From<CoreError> for Error<B> {
    /// The same error, its API error body decoded as `B` (`None` when it is not one).
    fn from(error: CoreError) -> Self {
        error.with_body(|body| serde_json::from_str(&body.0).ok())
    }
}

impl CoreError {
    /// The same error for a client whose API error body is `B`, for an error that cannot
    /// be [`Error::Api`] (building a client reads no response): unlike `From`, it does not
    /// compile `B`'s decoder into the client crate (an `Api` error would lose its body).
    #[doc(hidden)]
    pub fn without_body<B>(self) -> Error<B> {
        self.with_body(|_| None)
    }

    /// The same error, the body of an API error given by `decode`.
    fn with_body<B>(self, decode: impl FnOnce(Undecoded) -> Option<B>) -> Error<B> {
        match self {
            Error::Api { status, body, raw } => Error::Api { status, body: body.and_then(decode), raw },
            Error::Transport(e) => Error::Transport(e),
            Error::Timeout => Error::Timeout,
            Error::RateLimited { retry_after, raw } => Error::RateLimited { retry_after, raw },
            Error::Decode { status, path, message, excerpt } => Error::Decode { status, path, message, excerpt },
            Error::Auth(why) => Error::Auth(why),
            Error::InvalidRequest(why) => Error::InvalidRequest(why),
            Error::Redirect { status, location, reason } => Error::Redirect { status, location, reason },
            Error::ResponseTooLarge { status, limit } => Error::ResponseTooLarge { status, limit },
            Error::TooManyPages { limit } => Error::TooManyPages { limit },
            Error::RepeatedPage { page, same_as } => Error::RepeatedPage { page, same_as },
        }
    }
}

/// A transport error's message without the URL (which may carry user data).
fn without_url(e: &reqwest::Error) -> String {
    let mut message = e.to_string();
    if let Some(url) = e.url() {
        message = message.replace(url.as_str(), "<url>");
    }
    message
}

/// `text` with every occurrence of `secret` replaced by `***` (secrets shorter than 8
/// bytes are left: they would match ordinary words).
fn redact(text: String, secret: Option<&str>) -> String {
    match secret {
        Some(secret) if secret.len() >= 8 && text.contains(secret) => text.replace(secret, "***"),
        _ => text,
    }
}

/// The first `max` characters of `text`.
fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}

/// A successful response: its status, headers and decoded body.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: reqwest::header::HeaderMap,
    /// Decoded body.
    pub body: T,
}

/// Query-string pairs, in order; values are percent-encoded when sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[doc(hidden)]
pub struct Query(Vec<(String, String)>);

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Query(Vec::new())
    }

    /// Adds `key=value`.
    pub fn push(&mut self, key: &str, value: impl fmt::Display) {
        self.0.push((key.to_string(), value.to_string()));
    }

    /// Adds `key=value` for each value (the repeated-key form of arrays).
    pub fn push_each<T: fmt::Display>(&mut self, key: &str, values: &[T]) {
        for value in values {
            self.push(key, value);
        }
    }

    /// Replaces every `key=...` with one `key=value`, where the first one was (or at the end).
    pub fn set(&mut self, key: &str, value: impl fmt::Display) {
        let value = value.to_string();
        match self.0.iter().position(|(k, _)| k == key) {
            Some(first) => {
                self.0[first].1 = value;
                let mut index = 0;
                self.0.retain(|(k, _)| {
                    index += 1;
                    index - 1 == first || k != key
                });
            }
            None => self.0.push((key.to_string(), value)),
        }
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The pairs.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

/// Percent-encodes one path segment.
pub fn path_segment<T: fmt::Display + ?Sized>(value: &T) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Writes a request body as JSON.
#[doc(hidden)]
pub fn json_body<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, CoreError> {
    serde_json::to_vec(value).map_err(|e| Error::InvalidRequest(format!("the body cannot be written as JSON: {e}")))
}

/// Settings of one request that override the client's.
#[derive(Debug, Clone, Default)]
#[doc(hidden)]
pub struct RequestOptions {
    /// `Some(t)`: this timeout instead of the client's (`Some(None)`: none).
    pub timeout: Option<Option<Duration>>,
    /// This retry policy instead of the client's.
    pub retry: Option<RetryPolicy>,
    /// This page limit instead of the client's (list walks only).
    pub max_pages: Option<u64>,
}

/// A request, ready to send (and to send again).
#[derive(Debug, Clone)]
#[doc(hidden)]
pub struct Request {
    /// HTTP method.
    pub method: reqwest::Method,
    /// Path after the base URL, starting with `/`, its segments percent-encoded.
    pub path: String,
    /// Query string.
    pub query: Query,
    /// Headers of the operation's header parameters; sent to the API's origin only, like
    /// the credentials (which win over a header of the same name).
    pub headers: reqwest::header::HeaderMap,
    /// JSON body.
    pub body: Option<Vec<u8>>,
    /// Per-request settings.
    pub options: RequestOptions,
}

impl Request {
    /// A request without query, headers or body.
    pub fn new(method: reqwest::Method, path: impl Into<String>) -> Request {
        Request {
            method,
            path: path.into(),
            query: Query::new(),
            headers: reqwest::header::HeaderMap::new(),
            body: None,
            options: RequestOptions::default(),
        }
    }
}

/// Adds the header `name: value` (a header parameter); a name or value a header cannot
/// carry is `Error::InvalidRequest` naming the header.
#[doc(hidden)]
pub fn push_header(
    headers: &mut reqwest::header::HeaderMap,
    name: &str,
    value: impl fmt::Display,
) -> Result<(), CoreError> {
    let invalid = |what: &str| Error::InvalidRequest(format!("the header `{name}` {what}"));
    let header = reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("is not a header name"))?;
    let value = reqwest::header::HeaderValue::from_str(&value.to_string())
        .map_err(|_| invalid("holds characters a header cannot carry"))?;
    headers.append(header, value);
    Ok(())
}

/// When a failed call is sent again, and how long to wait in between.
///
/// A call is retried when the connection could not be made (any method: nothing reached
/// the server), and, for idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) only, on
/// other transport failures, 429 and 502/503/504. The wait doubles from
/// `initial_backoff` up to `max_backoff`, with random jitter, unless the server sends
/// `Retry-After` (seconds or an HTTP date), which is honoured up to `max_retry_after`;
/// a longer wait is not retried but returned as the error. Timeouts are not retried:
/// the server may still be working on the request.
///
/// # How long a call can take
///
/// The timeout `T` (`ClientBuilder::timeout`, or `.timeout` on the request) bounds each
/// send (connecting, redirects within the API's origin, reading the whole body), each
/// OAuth 2 token request, and the wait for a refresh another call is making. A call
/// refreshes its token at most once (before sending, or after a 401, which is then sent
/// once more outside the count of attempts). So a call ends within
/// `(max_attempts + 1) × T` for its sends, plus `2 × T` for a token refresh, plus
/// `(max_attempts - 1) × max(max_backoff, max_retry_after)` between attempts, plus the
/// time a client-side rate limit holds it back (none by default). With the defaults
/// (30 s, 3 attempts, 30 s, 60 s): 5 minutes at the very worst, and 30 s for one send.
/// A list walk makes one such call per page, up to its page limit.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// 3 attempts, backoff from 500 ms to 30 s, `Retry-After` up to 60 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// At most `attempts` sends in all (1: no retry).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry; it doubles for each next one.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest wait between two attempts without `Retry-After`.
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The longest `Retry-After` to wait for; beyond it, the error is returned.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Also retries POST and PATCH (which may apply twice if the first one was applied).
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// How long to wait before sending again after `attempt` (1-based) failed with
    /// `error`; `None`: do not retry.
    fn delay(&self, method: &reqwest::Method, error: &CoreError, retry_after: Option<Duration>, attempt: u32) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let idempotent = self.retry_non_idempotent
            || matches!(*method, reqwest::Method::GET | reqwest::Method::HEAD | reqwest::Method::PUT | reqwest::Method::DELETE | reqwest::Method::OPTIONS);
        let retryable = match error {
            Error::Transport(e) => e.is_connect() || idempotent,
            Error::RateLimited { .. } => idempotent,
            Error::Api { status: 502..=504, .. } => idempotent,
            _ => false,
        };
        if !retryable {
            return None;
        }
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(attempt)),
        }
    }

    /// `initial_backoff * 2^(attempt-1)`, capped, then between half and all of it.
    fn backoff(&self, attempt: u32) -> Duration {
        let full = self.initial_backoff.saturating_mul(1 << (attempt - 1).min(20)).min(self.max_backoff);
        let half = full / 2;
        half + half.mul_f64(random_fraction())
    }
}

/// A number in `[0, 1)`, different on each call (for jitter; not for cryptography).
fn random_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// `Retry-After`: seconds, or an HTTP date.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let text = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at: std::time::SystemTime = chrono::DateTime::parse_from_rfc2822(text).ok()?.into();
    Some(at.duration_since(std::time::SystemTime::now()).unwrap_or_default())
}

/// A client-side limit: at most `max_requests` sent in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in one window.
    pub max_requests: u32,
    /// The window's length.
    pub window: Duration,
}

/// Holds requests back so that a [`RateLimit`] is never exceeded. Shared by the clones of
/// a client.
#[derive(Debug, Clone)]
struct RateLimiter {
    limit: RateLimit,
    sent: std::sync::Arc<std::sync::Mutex<std::collections::VecDeque<tokio::time::Instant>>>,
}

impl RateLimiter {
    /// A limiter with nothing sent yet.
    pub fn new(limit: RateLimit) -> Self {
        RateLimiter { limit: RateLimit { max_requests: limit.max_requests.max(1), ..limit }, sent: Default::default() }
    }

    /// Waits until one more request fits in the window, and counts it.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut sent = self.sent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                let now = tokio::time::Instant::now();
                while sent.front().is_some_and(|&at| at + self.limit.window <= now) {
                    sent.pop_front();
                }
                if sent.len() < self.limit.max_requests as usize {
                    sent.push_back(now);
                    return;
                }
                sent.front().map(|&at| at + self.limit.window - now).unwrap_or_default()
            };
            tokio::time::sleep(wait).await;
        }
    }
}

/// What a client sends to prove who it is.
#[derive(Clone)]
#[doc(hidden)]
pub enum Credentials {
    /// A fixed header (an API key, a bearer token), marked sensitive.
    Header(reqwest::header::HeaderName, reqwest::header::HeaderValue),
    /// OAuth 2 access tokens from a [`TokenStore`], refreshed when they expire.
    OAuth(std::sync::Arc<OAuthSession>),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Header(name, _) => write!(f, "Header({}: ***)", name.as_str()),
            Credentials::OAuth(session) => f.debug_tuple("OAuth").field(session).finish(),
        }
    }
}

/// An OAuth 2 token, as the token endpoint returned it.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Sent as `Authorization: Bearer ...`.
    pub access_token: Secret,
    /// Trades for a new access token.
    pub refresh_token: Option<Secret>,
    /// When the access token expires, if the endpoint said.
    pub expires_at: Option<std::time::SystemTime>,
    /// Granted scopes, space-separated.
    pub scope: Option<String>,
}

impl Token {
    /// An access token with no refresh token and no known expiry.
    pub fn new(access_token: impl Into<Secret>) -> Token {
        Token { access_token: access_token.into(), refresh_token: None, expires_at: None, scope: None }
    }

    /// Whether the access token expires within `margin`.
    pub fn expires_within(&self, margin: Duration) -> bool {
        self.expires_at.is_some_and(|at| at <= std::time::SystemTime::now() + margin)
    }
}

/// Where OAuth tokens are kept between calls (a database, a file, memory). The client
/// reads the token before each call and saves the new one after a refresh.
pub trait TokenStore: Send + Sync {
    /// The current token, if any.
    fn load(&self) -> Option<Token>;
    /// Keeps `token` (after a code exchange or a refresh).
    fn save(&self, token: Token);
}

/// A [`TokenStore`] in memory.
#[derive(Debug, Default)]
pub struct MemoryTokenStore(std::sync::Mutex<Option<Token>>);

impl MemoryTokenStore {
    /// A store holding `token`.
    pub fn new(token: Token) -> Self {
        MemoryTokenStore(std::sync::Mutex::new(Some(token)))
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> Option<Token> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    fn save(&self, token: Token) {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(token);
    }
}

impl<S: TokenStore + ?Sized> TokenStore for std::sync::Arc<S> {
    fn load(&self) -> Option<Token> {
        (**self).load()
    }

    fn save(&self, token: Token) {
        (**self).save(token)
    }
}

/// A registered OAuth 2 application: builds the authorize URL, exchanges codes and
/// refreshes tokens (the authorization-code grant).
///
/// Token requests follow no redirect (a redirect is an [`Error::Auth`]: the client
/// secret and refresh token are sent to the token URL and nowhere else) and are bounded
/// by a timeout: the calling client's when a client refreshes its token, else
/// [`OAuthApp::timeout`]. An error never shows what the token endpoint answered beyond
/// its status and its RFC 6749 error code, since an answer may echo the secrets sent.
///
/// `B` is the body type of the client's [`Error`]s (its errors are never [`Error::Api`]);
/// the work is done by a non-generic part, compiled once.
pub struct OAuthApp<B> {
    endpoint: TokenEndpoint,
    body: std::marker::PhantomData<fn() -> B>,
}

/// An OAuth 2 application's endpoints, credentials and HTTP client: [`OAuthApp`] without
/// its error body type.
#[derive(Clone)]
struct TokenEndpoint {
    authorize_url: String,
    token_url: String,
    form_encoded: bool,
    client_id: String,
    client_secret: Secret,
    redirect_uri: String,
    /// Built with redirects off (or why it could not be built).
    http: Result<reqwest::Client, String>,
    timeout: Option<Duration>,
}

impl<B> Clone for OAuthApp<B> {
    fn clone(&self) -> Self {
        OAuthApp { endpoint: self.endpoint.clone(), body: std::marker::PhantomData }
    }
}

impl<B> fmt::Debug for OAuthApp<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.endpoint.fmt(f)
    }
}

impl fmt::Debug for TokenEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthApp")
            .field("authorize_url", &self.authorize_url)
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("redirect_uri", &self.redirect_uri)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The token endpoint's answer (RFC 6749, section 5.1).
#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    scope: Option<String>,
}

/// The largest token endpoint answer read (a token is well under a kilobyte).
const TOKEN_RESPONSE_LIMIT: usize = 64 * 1024;

/// The error codes of RFC 6749 (sections 4.1.2.1 and 5.2): the only part of a token
/// endpoint's error answer an error message shows.
const OAUTH_ERROR_CODES: &[&str] = &[
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "access_denied",
    "server_error",
    "temporarily_unavailable",
];

impl<B> OAuthApp<B> {
    /// An application with its endpoints; `form_encoded`: token requests are
    /// `application/x-www-form-urlencoded` (else JSON).
    pub fn new(
        authorize_url: impl Into<String>,
        token_url: impl Into<String>,
        form_encoded: bool,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        redirect_uri: impl Into<String>,
    ) -> Self {
        let endpoint = TokenEndpoint {
            authorize_url: authorize_url.into(),
            token_url: token_url.into(),
            form_encoded,
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uri: redirect_uri.into(),
            http: without_redirects(reqwest::Client::builder()).map_err(|e| e.to_string()),
            timeout: Some(DEFAULT_TIMEOUT),
        };
        OAuthApp { endpoint, body: std::marker::PhantomData }
    }

    /// Sends token requests to `url` instead (a test server, a proxy).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint.token_url = url.into();
        self
    }

    /// Uses an HTTP client with these settings (proxy, TLS) for token requests; its
    /// redirect policy is replaced: token requests follow no redirect.
    pub fn http_client(mut self, http: reqwest::ClientBuilder) -> Self {
        self.endpoint.http = without_redirects(http).map_err(|e| e.to_string());
        self
    }

    /// The timeout of a token request made by [`OAuthApp::exchange_code`] or
    /// [`OAuthApp::refresh`] (default 30 s; `None`: none). A client refreshing its token
    /// uses its own timeout instead.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.endpoint.timeout = timeout;
        self
    }

    /// A session that authenticates a client with the tokens in `store`.
    pub fn session(self, store: impl TokenStore + 'static) -> OAuthSession {
        OAuthSession {
            app: Box::new(self.endpoint),
            store: Box::new(store),
            refreshing: tokio::sync::Mutex::new(None),
            refreshes: std::sync::atomic::AtomicU64::new(0),
        }
    }
}

impl<B: DeserializeOwned> OAuthApp<B> {
    /// Where to send the user's browser: asks for `scopes`, and carries `state` (check it
    /// when the user comes back to the redirect URI).
    pub fn authorize_url(&self, scopes: &[&str], state: &str) -> Result<String, Error<B>> {
        self.endpoint.authorize_url(scopes, state).map_err(Error::from)
    }

    /// Trades the `code` the redirect URI received for a token.
    pub async fn exchange_code(&self, code: &str) -> Result<Token, Error<B>> {
        self.endpoint.exchange_code(code).await.map_err(Error::from)
    }

    /// Trades a refresh token for a new token (which keeps the old refresh token when the
    /// endpoint sends none).
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<Token, Error<B>> {
        self.endpoint.refresh_within(refresh_token, self.endpoint.timeout).await.map_err(Error::from)
    }
}

impl TokenEndpoint {
    fn authorize_url(&self, scopes: &[&str], state: &str) -> Result<String, CoreError> {
        let mut params = vec![
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("response_type", "code"),
        ];
        let scope = scopes.join(" ");
        if !scope.is_empty() {
            params.push(("scope", &scope));
        }
        if !state.is_empty() {
            params.push(("state", state));
        }
        reqwest::Url::parse_with_params(&self.authorize_url, &params)
            .map(String::from)
            .map_err(|e| Error::InvalidRequest(format!("bad authorize URL: {e}")))
    }

    async fn exchange_code(&self, code: &str) -> Result<Token, CoreError> {
        let grant = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", &self.redirect_uri)];
        self.token_request(&grant, self.timeout).await
    }

    async fn refresh_within(&self, refresh_token: &Secret, timeout: Option<Duration>) -> Result<Token, CoreError> {
        let grant = [("grant_type", "refresh_token"), ("refresh_token", refresh_token.expose())];
        let mut token = self.token_request(&grant, timeout).await?;
        token.refresh_token.get_or_insert_with(|| refresh_token.clone());
        Ok(token)
    }

    async fn token_request(&self, grant: &[(&str, &str)], timeout: Option<Duration>) -> Result<Token, CoreError> {
        let http = self.http.as_ref().map_err(|why| Error::Auth(format!("no HTTP client for token requests: {why}")))?;
        let mut params: Vec<(&str, &str)> =
            vec![("client_id", &self.client_id), ("client_secret", self.client_secret.expose())];
        params.extend_from_slice(grant);
        let request = http.post(&self.token_url).header(reqwest::header::ACCEPT, "application/json");
        let request = if self.form_encoded {
            request.form(&params)
        } else {
            let object: serde_json::Map<String, serde_json::Value> =
                params.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(*v))).collect();
            request.json(&object)
        };
        let answer = within(timeout, async {
            let mut response = request.send().await.map_err(transport)?;
            let status = response.status().as_u16();
            let (bytes, complete) = read_up_to(&mut response, TOKEN_RESPONSE_LIMIT).await?;
            Ok::<_, CoreError>((status, bytes, complete))
        });
        let (status, bytes, complete) = answer.await?;
        if (300..400).contains(&status) {
            return Err(Error::Auth(format!(
                "the token endpoint answered {status}, a redirect; token requests follow none, so that the client secret goes nowhere else"
            )));
        }
        if !(200..300).contains(&status) {
            // Only the status and a registered error code: the rest may echo the secrets.
            let code = serde_json::from_slice::<serde_json::Value>(&bytes).ok().and_then(|body| {
                let code = body.get("error")?.as_str()?;
                OAUTH_ERROR_CODES.iter().find(|known| **known == code).copied()
            });
            return Err(Error::Auth(match code {
                Some(code) => format!("the token endpoint answered {status}: {code}"),
                None => format!("the token endpoint answered {status}"),
            }));
        }
        if !complete {
            return Err(Error::Auth(format!("the token endpoint's answer ({status}) is larger than {TOKEN_RESPONSE_LIMIT} bytes")));
        }
        // Never serde's message: it quotes the values it could not read.
        let answer: TokenResponse = serde_json::from_slice(&bytes).map_err(|e| {
            let why = match e.classify() {
                serde_json::error::Category::Data if e.to_string().starts_with("missing field") => {
                    e.to_string().split(" at line").next().unwrap_or_default().to_string()
                }
                serde_json::error::Category::Data => "a field has the wrong type".to_string(),
                _ => "not JSON".to_string(),
            };
            Error::Auth(format!("the token endpoint's answer ({status}) is not a token: {why}"))
        })?;
        Ok(Token {
            access_token: Secret::new(answer.access_token),
            refresh_token: answer.refresh_token.map(Secret::new),
            expires_at: answer.expires_in.map(|s| std::time::SystemTime::now() + Duration::from_secs(s)),
            scope: answer.scope,
        })
    }
}

/// OAuth 2 credentials of a client: the application and a store of tokens. An access
/// token about to expire (or refused with 401) is refreshed, at most once per call, and
/// the call sent again. Concurrent calls refresh once: the others wait (within their
/// timeout) and use the new token, or fail at once with the refresh's error.
pub struct OAuthSession {
    /// Boxed, so that `Auth` stays small.
    app: Box<TokenEndpoint>,
    store: Box<dyn TokenStore>,
    /// Held while refreshing, so that concurrent calls refresh once; holds why the last
    /// refresh failed, for the calls that waited for it.
    refreshing: tokio::sync::Mutex<Option<Box<CoreError>>>,
    /// How many refreshes have ended (read without the lock).
    refreshes: std::sync::atomic::AtomicU64,
}

impl fmt::Debug for OAuthSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthSession").field("app", &self.app).finish_non_exhaustive()
    }
}

/// Access tokens this close to expiry are refreshed before use.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

impl OAuthSession {
    /// The access token to send, and whether it was refreshed first (as it was about to
    /// expire).
    async fn access_token(&self, timeout: Option<Duration>) -> Result<(Secret, bool), CoreError> {
        let token = self.store.load().ok_or_else(|| Error::Auth("the token store holds no token".into()))?;
        if token.expires_within(EXPIRY_MARGIN) && token.refresh_token.is_some() {
            return Ok((self.refresh_after(&token.access_token, timeout).await?, true));
        }
        Ok((token.access_token, false))
    }

    /// Refreshes the token, unless another call already replaced `stale` (or failed to,
    /// while this one waited: then its error).
    async fn refresh_after(&self, stale: &Secret, timeout: Option<Duration>) -> Result<Secret, CoreError> {
        use std::sync::atomic::Ordering;
        let ended = self.refreshes.load(Ordering::Acquire);
        let mut last_failure = within(timeout, async { Ok::<_, CoreError>(self.refreshing.lock().await) }).await?;
        if self.refreshes.load(Ordering::Acquire) != ended {
            if let Some(failure) = last_failure.as_ref() {
                return Err(failure.replay());
            }
        }
        let current = self.store.load().ok_or_else(|| Error::Auth("the token store holds no token".into()))?;
        if current.access_token != *stale && !current.expires_within(EXPIRY_MARGIN) {
            return Ok(current.access_token);
        }
        let refresh_token = current
            .refresh_token
            .ok_or_else(|| Error::Auth("the access token expired and there is no refresh token".into()))?;
        let outcome = self.app.refresh_within(&refresh_token, timeout).await;
        *last_failure = outcome.as_ref().err().map(|e| Box::new(e.replay()));
        self.refreshes.fetch_add(1, Ordering::Release);
        let token = outcome?;
        let access = token.access_token.clone();
        self.store.save(token);
        Ok(access)
    }
}

impl CoreError {
    /// The same failure, for a call that waited for the one that had it (a token refresh).
    fn replay(&self) -> CoreError {
        match self {
            Error::Timeout => Error::Timeout,
            Error::Auth(why) => Error::Auth(why.clone()),
            other => Error::Auth(format!("refreshing the access token failed: {other}")),
        }
    }
}

/// How list operations page, and where a page says how many there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum Paging {
    /// `page=N&per_page=M`.
    PageNumber {
        /// Query parameter of the page number.
        page_param: &'static str,
        /// Query parameter of the page size.
        per_page_param: &'static str,
        /// Number of the first page.
        first_page: u64,
        /// Page size asked for when the caller sets none.
        per_page: u64,
        /// Dotted path of the number of pages in a response.
        total_pages: Option<&'static str>,
    },
    /// `offset=N&limit=M`.
    Offset {
        /// Query parameter of the offset.
        offset_param: &'static str,
        /// Query parameter of the page size.
        limit_param: &'static str,
        /// Page size asked for when the caller sets none.
        limit: u64,
        /// Dotted path of the number of items in all pages in a response.
        total: Option<&'static str>,
    },
}

/// A walk through the pages of a list: fetches each page when its items are all read,
/// and keeps the items as JSON (the stream decodes them one by one).
struct Pages {
    core: Core,
    request: Request,
    paging: Paging,
    items: &'static str,
    /// Page number or offset of the next page.
    position: u64,
    size: u64,
    max_pages: u64,
    /// Pages fetched so far.
    fetched: u64,
    /// The current page's items not read yet, with their index on the page.
    buffer: std::collections::VecDeque<(usize, serde_json::Value)>,
    /// The current page's status.
    status: u16,
    /// Items read so far, over all pages.
    read: u64,
    /// A fingerprint of each page's items, and the page it was seen on.
    seen: std::collections::HashMap<u64, u64>,
    done: bool,
}

/// One item of a list, as JSON, and where it is.
struct ListItem {
    value: serde_json::Value,
    /// Index on its page.
    index: usize,
    /// Its page (1: the first page walked).
    page: u64,
    /// Index in the whole walk.
    position: u64,
    status: u16,
}

/// Every item of every page of a list operation, fetching each page when the stream
/// reaches it. Starts at the page (or offset) `request` asks for, else the first; stops
/// after an empty page, a page shorter than the page size, or the last page the response
/// announces.
///
/// An item that does not decode into `T` is yielded as an [`Error::Decode`] naming its
/// place (`contacts[3].id`, its page and its index in the list), and the stream goes on
/// with the next item. Any other error ends the stream after it: a failed page
/// request, [`Error::RepeatedPage`] (a page holding the same items as one walked
/// before), [`Error::TooManyPages`] (after `max_pages` pages: the request's
/// `.max_pages`, else the client's).
#[doc(hidden)]
pub fn paginate<T: DeserializeOwned, B: DeserializeOwned>(
    core: Core,
    request: Result<Request, CoreError>,
    paging: Paging,
    items: &'static str,
) -> Items<T, B> {
    Items { pages: list_items(core, request, paging, items), items, item: std::marker::PhantomData }
}

/// The items of every page, as JSON, for [`paginate`]: one boxed stream type whatever the
/// item type, so that the walk is compiled once and only the decoding per item type.
fn list_items(
    core: Core,
    request: Result<Request, CoreError>,
    paging: Paging,
    items: &'static str,
) -> std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<ListItem, CoreError>> + Send>> {
    let pages = request.map(|request| Pages::new(core, request, paging, items));
    Box::pin(futures_util::stream::unfold(Some(pages), |state| async move {
        let mut pages = match state? {
            Ok(pages) => pages,
            Err(e) => return Some((Err(e), None)),
        };
        let item = pages.next_item().await?;
        Some((item, Some(Ok(pages))))
    }))
}

/// The items of every page of a list, fetched as they are read (a list builder's
/// `.stream()`). Read it with [`Items::next`] (no pinning, no trait to import), or use it
/// as a `futures_util::Stream` (it is `Unpin`), or collect it with [`Items::all`].
///
/// `B` is the body type of the client's [`Error`]s.
#[must_use = "a stream does nothing until it is read"]
pub struct Items<T, B> {
    /// The walk, as JSON items: one type whatever `T`, so it is compiled once.
    pages: std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<ListItem, CoreError>> + Send>>,
    /// The list's key in a page, to place a decode error.
    items: &'static str,
    item: std::marker::PhantomData<fn() -> (T, B)>,
}

impl<T: DeserializeOwned, B: DeserializeOwned> Items<T, B> {
    /// The next item: `None` after the last one (or after an error that ends the walk).
    pub async fn next(&mut self) -> Option<Result<T, Error<B>>> {
        futures_util::StreamExt::next(self).await
    }

    /// Every remaining item; the first error fails it.
    pub async fn all(self) -> Result<Vec<T>, Error<B>> {
        futures_util::TryStreamExt::try_collect(self).await
    }
}

impl<T, B> fmt::Debug for Items<T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Items")
    }
}

impl<T: DeserializeOwned, B: DeserializeOwned> futures_util::Stream for Items<T, B> {
    type Item = Result<T, Error<B>>;

    fn poll_next(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
        let items = self.items;
        self.pages
            .as_mut()
            .poll_next(cx)
            .map(|item| item.map(|item| item.and_then(|item| decode_item(items, item)).map_err(Error::from)))
    }
}

/// Decodes one list item, written back as JSON so that `T` goes through [`decode`] like
/// a whole body (one decoder per type); an error names its place.
fn decode_item<T: DeserializeOwned>(items: &str, item: ListItem) -> Result<T, CoreError> {
    // Writing a JSON value cannot fail.
    let bytes = serde_json::to_vec(&item.value).unwrap_or_default();
    decode(item.status, &bytes).map_err(|e| in_list(items, &item, e))
}

/// A decode error of a list item, placed in its list (`contacts[3].id`) and walk.
fn in_list(items: &str, item: &ListItem, error: CoreError) -> CoreError {
    let Error::Decode { status, path, message, excerpt } = error else { return error };
    let index = item.index;
    let path = match path.as_str() {
        "." => format!("{items}[{index}]"),
        p if p.starts_with('[') => format!("{items}[{index}]{p}"),
        p => format!("{items}[{index}].{p}"),
    };
    let message = format!("{message} (list item {}, on page {})", item.position, item.page);
    Error::Decode { status, path, message, excerpt }
}

impl Pages {
    fn new(core: Core, mut request: Request, paging: Paging, items: &'static str) -> Pages {
        let (position_param, size_param, first, default_size) = match paging {
            Paging::PageNumber { page_param, per_page_param, first_page, per_page, .. } => {
                (page_param, per_page_param, first_page, per_page)
            }
            Paging::Offset { offset_param, limit_param, limit, .. } => (offset_param, limit_param, 0, limit),
        };
        let position = request.query.get(position_param).and_then(|v| v.parse().ok()).unwrap_or(first);
        let size = request.query.get(size_param).and_then(|v| v.parse().ok()).unwrap_or(default_size).max(1);
        request.query.set(size_param, size);
        let max_pages = request.options.max_pages.unwrap_or(core.max_pages).max(1);
        Pages {
            core,
            request,
            paging,
            items,
            position,
            size,
            max_pages,
            fetched: 0,
            buffer: Default::default(),
            status: 0,
            read: 0,
            seen: Default::default(),
            done: false,
        }
    }

    /// The next item, fetching the next page when this one is read; `None` at the end.
    /// After an error, the walk is over.
    async fn next_item(&mut self) -> Option<Result<ListItem, CoreError>> {
        loop {
            if let Some((index, value)) = self.buffer.pop_front() {
                self.read += 1;
                let (page, position, status) = (self.fetched, self.read - 1, self.status);
                return Some(Ok(ListItem { value, index, page, position, status }));
            }
            if self.done {
                return None;
            }
            if let Err(e) = self.next_page().await {
                self.done = true;
                return Some(Err(e));
            }
        }
    }

    async fn next_page(&mut self) -> Result<(), CoreError> {
        if self.fetched >= self.max_pages {
            return Err(Error::TooManyPages { limit: self.max_pages });
        }
        let param = match self.paging {
            Paging::PageNumber { page_param, .. } => page_param,
            Paging::Offset { offset_param, .. } => offset_param,
        };
        self.request.query.set(param, self.position);
        let response = self.core.execute::<serde_json::Value>(&self.request).await?;
        self.fetched += 1;
        self.status = response.status;
        let mut body = response.body;
        let items = match lookup_mut(&mut body, self.items).map(serde_json::Value::take) {
            Some(serde_json::Value::Array(items)) => items,
            Some(serde_json::Value::Null) | None => Vec::new(),
            Some(_) => {
                return Err(Error::Decode {
                    status: self.status,
                    path: self.items.to_string(),
                    message: "the page's items are not an array".into(),
                    excerpt: excerpt(&body.to_string(), 200),
                })
            }
        };
        let count = items.len() as u64;
        if count > 0 {
            let page = self.fetched;
            if let Some(same_as) = self.seen.insert(fingerprint(&items), page) {
                return Err(Error::RepeatedPage { page, same_as });
            }
        }
        self.buffer.extend(items.into_iter().enumerate());
        let announced = |path: Option<&str>| path.and_then(|p| lookup(&body, p)).and_then(as_count);
        match self.paging {
            Paging::PageNumber { total_pages, .. } => {
                let last = announced(total_pages).is_some_and(|pages| self.position >= pages);
                self.done = count < self.size || last;
                self.position += 1;
            }
            Paging::Offset { total, .. } => {
                self.position += count;
                self.done = count < self.size || announced(total).is_some_and(|total| self.position >= total);
            }
        }
        Ok(())
    }
}

/// A hash of a page's items, to know a page seen before.
fn fingerprint(items: &[serde_json::Value]) -> u64 {
    use std::hash::Hasher;
    struct Writer(std::collections::hash_map::DefaultHasher);
    impl std::io::Write for Writer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut writer = Writer(Default::default());
    // Writing JSON values to a hasher cannot fail.
    let _ = serde_json::to_writer(&mut writer, items);
    writer.0.finish()
}

/// The value at a dotted path (`meta.total`).
fn lookup<'v>(value: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    path.split('.').try_fold(value, |value, key| value.get(key))
}

fn lookup_mut<'v>(value: &'v mut serde_json::Value, path: &str) -> Option<&'v mut serde_json::Value> {
    path.split('.').try_fold(value, |value, key| value.get_mut(key))
}

/// A count given as a number or as a string of digits.
fn as_count(value: &serde_json::Value) -> Option<u64> {
    value.as_u64().or_else(|| value.as_str()?.trim().parse().ok())
}

/// The default timeout of each attempt.
#[doc(hidden)]
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default limit of a response body: 32 MiB.
#[doc(hidden)]
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

/// The default limit of pages a list walk fetches.
#[doc(hidden)]
pub const DEFAULT_MAX_PAGES: u64 = 10_000;

/// Redirects followed in a row, at most.
#[doc(hidden)]
pub const MAX_REDIRECTS: usize = 10;

/// Error bodies are read up to this size (their excerpt is shorter still).
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// What a client builder collects; [`Core::new`] checks it.
#[derive(Debug)]
#[doc(hidden)]
pub struct Settings {
    /// Base URL (or why the one given, or one of its variables, is not valid).
    pub base_url: Result<String, CoreError>,
    /// Settings of the HTTP client (its redirect policy is replaced).
    pub http: Option<reqwest::ClientBuilder>,
    /// Timeout of each attempt.
    pub timeout: Option<Duration>,
    /// When failed calls are sent again.
    pub retry: RetryPolicy,
    /// Client-side rate limit.
    pub rate_limit: Option<RateLimit>,
    /// Largest response body read, in bytes.
    pub max_response_bytes: u64,
    /// Most pages a list walk fetches.
    pub max_pages: u64,
    /// Whether redirects to another origin are followed (without credentials).
    pub cross_origin_redirects: bool,
}

impl Settings {
    /// The defaults, with this base URL.
    pub fn new(base_url: Result<String, CoreError>) -> Settings {
        Settings {
            base_url,
            http: None,
            timeout: Some(DEFAULT_TIMEOUT),
            retry: RetryPolicy::default(),
            rate_limit: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_pages: DEFAULT_MAX_PAGES,
            cross_origin_redirects: false,
        }
    }
}

/// The base URL `template` with each `{name}` replaced by its value. Each value must be
/// one DNS label (1 to 63 ASCII letters, digits and `-`, not starting or ending with
/// `-`), so that it cannot send requests, and credentials, to another host.
#[doc(hidden)]
pub fn fill_base_url(template: &str, variables: &[(&str, String)]) -> Result<String, CoreError> {
    let mut url = template.to_string();
    for (name, value) in variables {
        let label = (1..=63).contains(&value.len())
            && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !value.starts_with('-')
            && !value.ends_with('-');
        if !label {
            return Err(Error::InvalidRequest(format!(
                "`{name}` must be a host name label (1 to 63 letters, digits and `-`, no `-` at either end): {:?}",
                excerpt(value, 80)
            )));
        }
        url = url.replace(&format!("{{{name}}}"), value);
    }
    Ok(url)
}

/// An HTTP client with these settings that follows no redirect (the runtime decides).
fn without_redirects(http: reqwest::ClientBuilder) -> Result<reqwest::Client, CoreError> {
    http.redirect(reqwest::redirect::Policy::none()).build().map_err(transport)
}

/// The connection settings every call uses.
#[derive(Debug, Clone)]
#[doc(hidden)]
pub struct Core {
    /// Base URL, without a trailing slash.
    base_url: String,
    /// The API's origin: the only one credentials are sent to.
    origin: reqwest::Url,
    /// The HTTP client; it follows no redirect.
    http: reqwest::Client,
    credentials: Credentials,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    rate_limiter: Option<RateLimiter>,
    max_response_bytes: u64,
    max_pages: u64,
    cross_origin_redirects: bool,
}

/// A failed attempt, with the wait the server asked for.
struct Failure {
    error: CoreError,
    retry_after: Option<Duration>,
}

impl From<CoreError> for Failure {
    fn from(error: CoreError) -> Self {
        Failure { error, retry_after: None }
    }
}

/// `work`, failing with [`Error::Timeout`] after `timeout`.
async fn within<T, E: From<CoreError>>(
    timeout: Option<Duration>,
    work: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, E> {
    match timeout {
        Some(limit) => tokio::time::timeout(limit, work).await.unwrap_or_else(|_| Err(Error::Timeout.into())),
        None => work.await,
    }
}

/// Reads a body up to `limit` bytes: the bytes, and whether that was all of it.
async fn read_up_to(response: &mut reqwest::Response, limit: usize) -> Result<(Vec<u8>, bool), CoreError> {
    let announced = response.content_length().unwrap_or(0).min(limit as u64) as usize;
    let mut bytes = Vec::with_capacity(announced.min(1024 * 1024));
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if bytes.len() + chunk.len() > limit {
            bytes.extend_from_slice(&chunk[..limit - bytes.len()]);
            return Ok((bytes, false));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok((bytes, true))
}

/// Whether two URLs have the same scheme, host and port.
fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.origin() == b.origin()
}

impl Core {
    /// Checks the settings and builds the HTTP client, with redirects off whatever
    /// `settings.http` says: the runtime follows them itself, keeping credentials on the
    /// API's origin.
    pub fn new(settings: Settings, credentials: Credentials) -> Result<Core, CoreError> {
        let base_url = settings.base_url?.trim_end_matches('/').to_string();
        let invalid = |why: &str| Error::InvalidRequest(format!("the base URL {why}: {base_url:?}"));
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(invalid("must start with http:// or https://"));
        }
        let origin = reqwest::Url::parse(&base_url).map_err(|e| invalid(&format!("is not a URL ({e})")))?;
        if origin.host_str().is_none_or(str::is_empty) || origin.query().is_some() || origin.fragment().is_some() {
            return Err(invalid("must have a host, and no query or fragment"));
        }
        Ok(Core {
            http: without_redirects(settings.http.unwrap_or_default())?,
            base_url,
            origin,
            credentials,
            timeout: settings.timeout,
            retry: settings.retry,
            rate_limiter: settings.rate_limit.map(RateLimiter::new),
            max_response_bytes: settings.max_response_bytes,
            max_pages: settings.max_pages.max(1),
            cross_origin_redirects: settings.cross_origin_redirects,
        })
    }

    /// Base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends a request (again if it fails and the retry policy allows it) and decodes a
    /// JSON body into `T`.
    pub async fn execute<T: DeserializeOwned>(&self, request: &Request) -> Result<Response<T>, CoreError> {
        decode_response(self.send(request).await?)
    }

    /// A call of `request`: [`Core::send`] (compiled once, for every operation), then the
    /// body decoded into `T` (the only step compiled per type, and only where awaited).
    #[doc(hidden)]
    pub fn call<T: DeserializeOwned, B: DeserializeOwned>(
        &self,
        request: Result<Request, CoreError>,
    ) -> PendingResponse<'_, T, B> {
        PendingResponse { exchange: self.exchange(request), output: std::marker::PhantomData }
    }

    /// The exchange of a call, boxed: one future type whatever the operation.
    fn exchange(&self, request: Result<Request, CoreError>) -> Exchange<'_> {
        Box::pin(async move { self.send(&request?).await })
    }

    /// Sends a request (again if it fails and the retry policy allows it); the body as
    /// received.
    pub async fn send(&self, request: &Request) -> Result<Response<Vec<u8>>, CoreError> {
        let policy = request.options.retry.as_ref().unwrap_or(&self.retry);
        let timeout = request.options.timeout.unwrap_or(self.timeout);
        let mut attempt = 1;
        let mut refreshed = false;
        loop {
            if let Some(limiter) = &self.rate_limiter {
                limiter.acquire().await;
            }
            let (authorization, token) = self.authorization(timeout, &mut refreshed).await?;
            let failure = match within(timeout, self.attempt(request, &authorization)).await {
                Ok(response) => return Ok(response),
                Err(failure) => failure,
            };
            if let (Error::Api { status: 401, .. }, Credentials::OAuth(session), Some(token), false) =
                (&failure.error, &self.credentials, &token, refreshed)
            {
                refreshed = true;
                session.refresh_after(token, timeout).await?;
                continue;
            }
            match policy.delay(&request.method, &failure.error, failure.retry_after, attempt) {
                Some(wait) => {
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                None => return Err(failure.error),
            }
        }
    }

    /// The authorization header to send, and the OAuth access token in it (refreshed
    /// first if it is about to expire and no refresh happened in this call yet).
    async fn authorization(
        &self,
        timeout: Option<Duration>,
        refreshed: &mut bool,
    ) -> Result<((reqwest::header::HeaderName, reqwest::header::HeaderValue), Option<Secret>), CoreError> {
        match &self.credentials {
            Credentials::Header(name, value) => Ok(((name.clone(), value.clone()), None)),
            Credentials::OAuth(session) => {
                let token = if *refreshed {
                    session.store.load().ok_or_else(|| Error::Auth("the token store holds no token".into()))?.access_token
                } else {
                    let (token, fresh) = session.access_token(timeout).await?;
                    *refreshed = fresh;
                    token
                };
                let value = bearer(&token)?;
                Ok(((reqwest::header::AUTHORIZATION, value), Some(token)))
            }
        }
    }

    /// One attempt: sends the request, follows redirects within the API's origin (and to
    /// other origins, without credentials, if allowed), reads the body within the limit.
    async fn attempt(
        &self,
        request: &Request,
        (name, value): &(reqwest::header::HeaderName, reqwest::header::HeaderValue),
    ) -> Result<Response<Vec<u8>>, Failure> {
        let mut url = reqwest::Url::parse(&format!("{}{}", self.base_url, request.path))
            .map_err(|e| Error::InvalidRequest(format!("the path does not make a URL: {e}")))?;
        if !request.query.pairs().is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.pairs());
        }
        let mut method = request.method.clone();
        let mut body = request.body.as_ref();
        let mut hops = 0;
        let mut response = loop {
            let mut builder =
                self.http.request(method.clone(), url.clone()).header(reqwest::header::ACCEPT, "application/json");
            if same_origin(&url, &self.origin) {
                let mut headers = request.headers.clone();
                headers.remove(name);
                builder = builder.headers(headers).header(name.clone(), value.clone());
            }
            if let Some(bytes) = body {
                builder = builder.header(reqwest::header::CONTENT_TYPE, "application/json").body(bytes.clone());
            }
            let response = builder.send().await.map_err(transport)?;
            let status = response.status();
            let location = response.headers().get(reqwest::header::LOCATION);
            let redirect = matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308);
            let Some(location) = location.filter(|_| redirect) else { break response };
            url = self.redirect_target(&url, status.as_u16(), location, hops)?;
            hops += 1;
            // 303, and 301/302 after a POST, turn into a GET without body (as browsers do);
            // 307 and 308 repeat the request.
            if status == reqwest::StatusCode::SEE_OTHER && method != reqwest::Method::HEAD
                || matches!(status.as_u16(), 301 | 302) && method == reqwest::Method::POST
            {
                method = reqwest::Method::GET;
                body = None;
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if (200..300).contains(&status) {
            let limit = self.max_response_bytes;
            let too_large = Error::ResponseTooLarge { status, limit };
            if response.content_length().is_some_and(|length| length > limit) {
                return Err(too_large.into());
            }
            let (body, complete) = read_up_to(&mut response, usize::try_from(limit).unwrap_or(usize::MAX)).await?;
            if !complete {
                return Err(too_large.into());
            }
            return Ok(Response { status, headers, body });
        }
        // An error body is read in part only (its excerpt is all an error keeps), and the
        // credential taken out, should the server echo it.
        let limit = ERROR_BODY_LIMIT.min(usize::try_from(self.max_response_bytes).unwrap_or(usize::MAX));
        let (bytes, _) = read_up_to(&mut response, limit).await?;
        let secret = value.to_str().ok().map(|v| v.strip_prefix("Bearer ").unwrap_or(v));
        let text = redact(String::from_utf8_lossy(&bytes).into_owned(), secret);
        let raw = excerpt(&text, 4096);
        let retry_after = retry_after(&headers);
        let error = if status == 429 {
            Error::RateLimited { retry_after, raw }
        } else {
            Error::Api { status, body: Some(Undecoded(text)), raw }
        };
        Err(Failure { error, retry_after })
    }

    /// Where a redirect from `from` leads, if the client follows it.
    fn redirect_target(
        &self,
        from: &reqwest::Url,
        status: u16,
        location: &reqwest::header::HeaderValue,
        hops: usize,
    ) -> Result<reqwest::Url, CoreError> {
        let refuse = |location: String, reason: &str| Error::Redirect { status, location, reason: reason.to_string() };
        let raw = excerpt(&String::from_utf8_lossy(location.as_bytes()), 100);
        let target = location
            .to_str()
            .ok()
            .and_then(|text| from.join(text).ok())
            .ok_or_else(|| refuse(raw, "its Location is not a URL"))?;
        let origin = target.origin().ascii_serialization();
        if !matches!(target.scheme(), "http" | "https") {
            return Err(refuse(origin, "not HTTP(S)"));
        }
        if !same_origin(&target, &self.origin) && !self.cross_origin_redirects {
            return Err(refuse(
                origin,
                "it leads to another origin, and credentials never leave the API's origin \
                 (ClientBuilder::follow_cross_origin_redirects(true) follows such redirects, without credentials)",
            ));
        }
        if hops >= MAX_REDIRECTS {
            return Err(refuse(origin, "too many redirects in a row"));
        }
        Ok(target)
    }
}

/// The exchange of a call (sent, retried, redirected, read within the limits), its body
/// not decoded yet.
type Exchange<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Response<Vec<u8>>, CoreError>> + Send + 'a>>;

/// A request on its way (what a request builder's `.send_with_response()` returns): the
/// exchange (sent, retried, redirected, read within the limits), then the body decoded
/// into `T`. Awaiting it gives the response with its status and headers.
///
/// A named type rather than a boxed future, so that a request builder's `IntoFuture`
/// costs no allocation and the decoding of `T` is compiled only where it is awaited.
/// `B` is the body type of the client's [`Error`]s.
#[must_use = "a request does nothing until it is awaited"]
pub struct PendingResponse<'a, T, B> {
    exchange: Exchange<'a>,
    output: std::marker::PhantomData<fn() -> (T, B)>,
}

impl<'a, T: DeserializeOwned, B: DeserializeOwned> PendingResponse<'a, T, B> {
    /// The request, giving the decoded body alone.
    #[doc(hidden)]
    pub fn body(self) -> Pending<'a, T, B> {
        Pending(self)
    }
}

impl<T: DeserializeOwned, B: DeserializeOwned> std::future::Future for PendingResponse<'_, T, B> {
    type Output = Result<Response<T>, Error<B>>;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        self.exchange.as_mut().poll(cx).map(|sent| sent.and_then(decode_response).map_err(Error::from))
    }
}

impl<T, B> fmt::Debug for PendingResponse<'_, T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PendingResponse")
    }
}

/// A request on its way, giving the decoded body alone (what a request builder's
/// `.send()`, or awaiting the builder, gives).
#[must_use = "a request does nothing until it is awaited"]
pub struct Pending<'a, T, B>(PendingResponse<'a, T, B>);

impl<T: DeserializeOwned, B: DeserializeOwned> std::future::Future for Pending<'_, T, B> {
    type Output = Result<T, Error<B>>;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx).map(|response| response.map(|response| response.body))
    }
}

impl<T, B> fmt::Debug for Pending<'_, T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pending")
    }
}

/// A response with its body decoded into `T`.
fn decode_response<T: DeserializeOwned>(response: Response<Vec<u8>>) -> Result<Response<T>, CoreError> {
    let body = decode(response.status, &response.body)?;
    Ok(Response { status: response.status, headers: response.headers, body })
}

/// `Bearer <token>`, marked sensitive.
#[doc(hidden)]
pub fn bearer(token: &Secret) -> Result<reqwest::header::HeaderValue, CoreError> {
    let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| Error::InvalidRequest("the token holds characters a header cannot carry".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

fn transport(e: reqwest::Error) -> CoreError {
    if e.is_timeout() {
        Error::Timeout
    } else {
        Error::Transport(e.without_url())
    }
}

/// Decodes a JSON body, naming the path where it stops matching `T`. Anything but
/// whitespace after the JSON value is an error too.
///
/// The only generic step is `T`'s own `Deserialize` on serde_json's deserializer (the
/// one plain `serde_json::from_slice` uses, so each model's decoder is compiled once);
/// the path of a failure is found afterwards, from the position serde_json reports, by
/// `json_path`, which is compiled once for every type.
pub fn decode<T: DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<T, CoreError> {
    let bytes = json_or_null(bytes);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match T::deserialize(&mut deserializer) {
        Ok(value) => match deserializer.end() {
            Ok(()) => Ok(value),
            Err(e) => Err(decode_error(status, bytes, ".".into(), format!("data after the JSON value: {e}"))),
        },
        Err(e) => Err(mismatch(status, bytes, &e)),
    }
}

/// A model decoded from a JSON object field by field: the structs no request body reaches
/// implement it (generated, one `match` on the key), and their `Deserialize` is
/// [`decode_object`], so the walk over the object is compiled once, not once per model.
#[doc(hidden)]
pub trait Object: Default {
    /// The model's name, for "expected struct ..." errors.
    const NAME: &'static str;

    /// Decodes the value of `key` from `map` into its field (skips an unknown key's value).
    fn field<'de, A: serde::de::MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;
}

/// `T` from a JSON object: every field absent to begin with, then each key's value into
/// its field (a key given twice keeps its last value).
#[doc(hidden)]
pub fn decode_object<'de, T: Object, D: serde::Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: Object> serde::de::Visitor<'de> for ObjectVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "struct {}", T::NAME)
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let mut value = T::default();
            while let Some(key) = map.next_key::<Key<'de>>()? {
                value.field(&key.0, &mut map)?;
            }
            Ok(value)
        }
    }

    deserializer.deserialize_map(ObjectVisitor(std::marker::PhantomData))
}

/// An object's key: borrowed from the body when it has no escapes (serde_json reading a
/// slice, as the client does), else copied.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The body, or `null` for an empty one (a 204), so that bodies documented as optional
/// decode.
fn json_or_null(bytes: &[u8]) -> &[u8] {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        bytes
    }
}

fn decode_error(status: u16, bytes: &[u8], path: String, message: String) -> CoreError {
    Error::Decode { status, path, message, excerpt: excerpt(&String::from_utf8_lossy(bytes), 200) }
}

/// The decode error of `bytes`, with the path where serde_json stopped.
#[cold]
fn mismatch(status: u16, bytes: &[u8], e: &serde_json::Error) -> CoreError {
    decode_error(status, bytes, json_path(bytes, e), e.to_string())
}

/// Where in `json` a serde_json error happened, as serde_path_to_error writes paths
/// (`contacts[3].id`, `[0]`, `.` for the whole value).
///
/// The text is walked up to the position serde_json reports, keeping the keys and
/// indexes of the open objects and arrays, and the last token read says which value the
/// error is about. serde_json places an error:
/// - a syntax error, or a value of the wrong kind that it did not enter (`invalid type:
///   map`, `... sequence`), where it stopped: the value being read there;
/// - a scalar of the wrong kind or out of range, right after the scalar: that scalar;
/// - an error of a `Deserialize` impl (a timestamp in no known form) or of the struct
///   (a missing field, a struct given as an array too short), once its object or array
///   is closed: after the spaces that
///   follow the value, and after the `}` or `]` when it was the last member, or, in an
///   array, after the `,` too. For an error of the struct, the value is the struct.
fn json_path(json: &[u8], e: &serde_json::Error) -> String {
    // serde_json counts lines from 1 and columns in bytes after the line's start.
    let line_start = match e.line() {
        0 | 1 => 0,
        line => json.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(line - 2).map_or(json.len(), |(i, _)| i + 1),
    };
    let at = (line_start + e.column()).min(json.len());
    let message = e.to_string();
    let entered_not = message.starts_with("invalid type: map") || message.starts_with("invalid type: sequence");
    let of_struct = ["missing field", "duplicate field", "invalid length"].iter().any(|m| message.starts_with(m));

    enum Frame {
        /// The key last read, and whether a key comes next (its path is then `?`).
        Object(Option<String>, bool),
        /// The index of the element last started, and whether it is being read.
        Array(Option<usize>, bool),
    }
    #[derive(PartialEq)]
    enum Token {
        None,
        Open,
        Close,
        Comma,
        Colon,
        Key,
        Scalar,
    }
    fn render(frames: &[Frame]) -> String {
        let mut path = String::new();
        for frame in frames {
            let key = match frame {
                Frame::Object(_, true) => "?",
                Frame::Object(key, false) => key.as_deref().unwrap_or("?"),
                Frame::Array(Some(index), true) => {
                    path.push_str(&format!("[{index}]"));
                    continue;
                }
                Frame::Array(..) => continue,
            };
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
        }
        if path.is_empty() {
            path.push('.');
        }
        path
    }
    /// A value starts: in an array, it is the next element.
    fn start_value(frames: &mut [Frame]) {
        if let Some(Frame::Array(index, reading)) = frames.last_mut() {
            *index = Some(index.map_or(0, |i| i + 1));
            *reading = true;
        }
    }
    /// A value ends: a key or an element may come next.
    fn end_value(frames: &mut [Frame]) {
        match frames.last_mut() {
            Some(Frame::Object(_, key_next)) => *key_next = true,
            Some(Frame::Array(_, reading)) => *reading = false,
            None => {}
        }
    }

    let mut frames: Vec<Frame> = Vec::new();
    // The path of the last value read, and of the last member of the container closed last.
    let (mut last, mut last_member) = (None::<String>, None::<String>);
    // Where the open containers start, and where the last value read started.
    let (mut starts, mut last_start) = (Vec::new(), 0);
    let mut token = Token::None;
    let mut i = 0;
    loop {
        while i < json.len() && json[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= at || i >= json.len() {
            break;
        }
        match json[i] {
            b'{' | b'[' => {
                start_value(&mut frames);
                frames.push(if json[i] == b'{' { Frame::Object(None, true) } else { Frame::Array(None, false) });
                starts.push(i);
                token = Token::Open;
                i += 1;
            }
            b'}' | b']' => {
                frames.pop();
                let start = starts.pop().unwrap_or(0);
                last_member = if last_start > start { last.take() } else { None };
                last = Some(render(&frames));
                last_start = start;
                end_value(&mut frames);
                token = Token::Close;
                i += 1;
            }
            b',' => {
                token = Token::Comma;
                i += 1;
            }
            b':' => {
                token = Token::Colon;
                i += 1;
            }
            byte => {
                let mut end = i + 1;
                if byte == b'"' {
                    while end < json.len() && json[end] != b'"' {
                        end += if json[end] == b'\\' { 2 } else { 1 };
                    }
                    end = (end + 1).min(json.len());
                } else {
                    while end < json.len() && !b",:{}[]\"".contains(&json[end]) && !json[end].is_ascii_whitespace() {
                        end += 1;
                    }
                }
                if let Some(Frame::Object(key, key_next @ true)) = frames.last_mut() {
                    let text = &json[i..end];
                    let text = serde_json::from_slice::<String>(text)
                        .unwrap_or_else(|_| String::from_utf8_lossy(text).trim_matches('"').to_string());
                    *key = Some(text);
                    *key_next = false;
                    token = Token::Key;
                    if end > at {
                        return render(&frames);
                    }
                } else {
                    start_value(&mut frames);
                    last = Some(render(&frames));
                    last_start = i;
                    token = Token::Scalar;
                    let after_list = message.starts_with("EOF while parsing a list")
                        || message.starts_with("EOF while parsing an object");
                    if end >= at && !after_list {
                        // The position is inside this value, or right after it.
                        return last.unwrap_or_default();
                    }
                    end_value(&mut frames);
                }
                i = end;
            }
        }
    }
    let data = e.classify() == serde_json::error::Category::Data;
    match token {
        Token::Scalar | Token::Comma if data && !entered_not => last.unwrap_or_else(|| render(&frames)),
        Token::Close if data && of_struct => last.unwrap_or_else(|| render(&frames)),
        Token::Close if data => last_member.or(last).unwrap_or_else(|| render(&frames)),
        _ => {
            if i < json.len() && !b",:}]".contains(&json[i]) {
                // Stopped at the start of a value not read yet.
                start_value(&mut frames);
            }
            render(&frames)
        }
    }
}

/// A request to any path, for endpoints the documentation does not give: the response
/// is decoded into `T` (a generated model, or `serde_json::Value`).
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest<'a, T, B> {
    core: &'a Core,
    request: Result<Request, CoreError>,
    output: std::marker::PhantomData<fn() -> (T, B)>,
}

impl<'a, T: DeserializeOwned, B: DeserializeOwned> RawRequest<'a, T, B> {
    /// `method path` on the client's base URL; `path` starts with `/` and has its segments
    /// percent-encoded (see [`path_segment`]).
    #[doc(hidden)]
    pub fn new(core: &'a Core, method: reqwest::Method, path: impl Into<String>) -> Self {
        let path = path.into();
        let request = if path.starts_with('/') {
            Ok(Request::new(method, path))
        } else {
            Err(Error::InvalidRequest(format!("the path must start with `/`: {path:?}")))
        };
        RawRequest { core, request, output: std::marker::PhantomData }
    }

    /// Adds `key=value` to the query string.
    pub fn query(mut self, key: &str, value: impl fmt::Display) -> Self {
        if let Ok(request) = &mut self.request {
            request.query.push(key, value);
        }
        self
    }

    /// Sends the header `name: value` (to the API's origin only, like the credentials).
    pub fn header(mut self, name: &str, value: impl fmt::Display) -> Self {
        self.request = self.request.and_then(|mut request| {
            push_header(&mut request.headers, name, value)?;
            Ok(request)
        });
        self
    }

    /// Sends `body` as JSON.
    pub fn json<J: Serialize + ?Sized>(mut self, body: &J) -> Self {
        self.request = self.request.and_then(|mut request| {
            request.body = Some(json_body(body)?);
            Ok(request)
        });
        self
    }

    /// This timeout instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        if let Ok(request) = &mut self.request {
            request.options.timeout = Some(Some(timeout));
        }
        self
    }

    /// This retry policy instead of the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        if let Ok(request) = &mut self.request {
            request.options.retry = Some(policy);
        }
        self
    }

    /// Sends the request (when awaited) and decodes the response body.
    pub fn send(self) -> Pending<'a, T, B> {
        self.send_with_response().body()
    }

    /// Sends the request (when awaited); the response keeps its status and headers.
    pub fn send_with_response(self) -> PendingResponse<'a, T, B> {
        self.core.call(self.request)
    }
}

impl<'a, T: DeserializeOwned, B: DeserializeOwned> std::future::IntoFuture for RawRequest<'a, T, B> {
    type Output = Result<T, Error<B>>;
    type IntoFuture = Pending<'a, T, B>;

    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}
