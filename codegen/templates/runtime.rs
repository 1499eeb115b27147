//! The client runtime: sending requests, decoding responses, errors, secrets, timestamps
//! and query strings. The same file is emitted into every generated crate; it knows no
//! vendor fact. It uses two items of the crate root: `ApiErrorBody`, the vendor's error
//! body, and `DATETIME_FORMATS`, the timestamp formats of the vendor's documentation.

use std::fmt;
use std::time::Duration;

use serde::de::DeserializeOwned;
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

/// A timestamp, with its UTC offset when the text gives one. Read in any of the
/// documentation's formats (and RFC 3339); written back in the format it was read in, or
/// in the documentation's main format.
#[derive(Debug, Clone, Copy)]
pub struct Timestamp {
    local: chrono::NaiveDateTime,
    offset: Option<chrono::FixedOffset>,
    /// Index in `DATETIME_FORMATS` of the format it was read in (`None`: built in code,
    /// or read as RFC 3339 without being one of the documented formats).
    format: Option<usize>,
}

fn has_offset(format: &str) -> bool {
    format == "rfc3339" || format.contains("%z") || format.contains("%:z") || format.contains("%#z")
}

impl Timestamp {
    /// Parses `text` in one of the documented formats, or RFC 3339.
    pub fn parse(text: &str) -> Option<Timestamp> {
        for (index, format) in crate::DATETIME_FORMATS.iter().enumerate() {
            if let Some(mut t) = Timestamp::parse_with(text, format) {
                t.format = Some(index);
                return Some(t);
            }
        }
        Timestamp::parse_with(text, "rfc3339")
    }

    fn parse_with(text: &str, format: &str) -> Option<Timestamp> {
        let with_offset = match format {
            "rfc3339" => chrono::DateTime::parse_from_rfc3339(text).ok(),
            f if has_offset(f) => chrono::DateTime::parse_from_str(text, f).ok(),
            f => {
                let local = chrono::NaiveDateTime::parse_from_str(text, f).ok()?;
                return Some(Timestamp { local, offset: None, format: None });
            }
        }?;
        Some(Timestamp { local: with_offset.naive_local(), offset: Some(*with_offset.offset()), format: None })
    }

    /// A timestamp without an offset (local time of the account).
    pub fn from_local(local: chrono::NaiveDateTime) -> Timestamp {
        Timestamp { local, offset: None, format: None }
    }

    /// The date and time as written, without the offset.
    pub fn local(&self) -> chrono::NaiveDateTime {
        self.local
    }

    /// The UTC offset, when the text gave one.
    pub fn offset(&self) -> Option<chrono::FixedOffset> {
        self.offset
    }

    /// The instant, when the text gave an offset.
    pub fn to_datetime(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        let offset = self.offset?;
        self.local.and_local_timezone(offset).single()
    }
}

impl PartialEq for Timestamp {
    /// Same instant (same local time when neither has an offset).
    fn eq(&self, other: &Self) -> bool {
        match (self.to_datetime(), other.to_datetime()) {
            (Some(a), Some(b)) => a == b,
            (None, None) => self.local == other.local,
            _ => false,
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fits = |format: &str| has_offset(format) == self.offset.is_some();
        let format = self
            .format
            .and_then(|i| crate::DATETIME_FORMATS.get(i).copied())
            .filter(|f| fits(f))
            .or_else(|| crate::DATETIME_FORMATS.iter().copied().find(|f| fits(f)));
        match (format, self.to_datetime()) {
            (Some("rfc3339") | None, Some(at)) => f.write_str(&at.to_rfc3339()),
            (Some(format), Some(at)) => write!(f, "{}", at.format(format)),
            (Some(format), None) => write!(f, "{}", self.local.format(format)),
            (None, None) => write!(f, "{}", self.local.format("%Y-%m-%dT%H:%M:%S")),
        }
    }
}

impl std::str::FromStr for Timestamp {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Timestamp::parse(text).ok_or_else(|| format!("not a timestamp in a documented format: {text:?}"))
    }
}

impl From<chrono::DateTime<chrono::FixedOffset>> for Timestamp {
    fn from(value: chrono::DateTime<chrono::FixedOffset>) -> Self {
        Timestamp { local: value.naive_local(), offset: Some(*value.offset()), format: None }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Everything that can go wrong with a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be sent or the response not received.
    Transport(reqwest::Error),
    /// No response within the timeout.
    Timeout,
    /// The server answered with an error status.
    Api {
        /// HTTP status.
        status: u16,
        /// The vendor's error body, when the body is one.
        body: Option<crate::ApiErrorBody>,
        /// The body as received (cut to a few kilobytes).
        raw: String,
    },
    /// The server said too many requests (429).
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
    /// The request could not be built (a bad base URL, a body that cannot be encoded).
    InvalidRequest(String),
}

impl fmt::Display for Error {
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
            Error::InvalidRequest(why) => write!(f, "invalid request: {why}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            _ => None,
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
#[derive(Debug, Clone, Default)]
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

/// What a request sends as its body.
pub enum Body<'a> {
    /// No body.
    None,
    /// A JSON body.
    Json(&'a (dyn erased::Json + Sync)),
}

/// Object-safe JSON serialization, so request bodies of any type share one send path.
pub mod erased {
    /// A value that can be written as JSON.
    pub trait Json {
        /// The value as JSON bytes.
        fn to_json(&self) -> Result<Vec<u8>, serde_json::Error>;
    }

    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
            serde_json::to_vec(self)
        }
    }
}

/// The connection settings every call uses.
#[derive(Clone)]
pub struct Core {
    /// Base URL, without a trailing slash.
    pub base_url: String,
    /// The HTTP client.
    pub http: reqwest::Client,
    /// The authentication header, marked sensitive.
    pub auth_header: Option<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>,
    /// Per-request timeout.
    pub timeout: Option<Duration>,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("base_url", &self.base_url)
            .field("auth_header", &self.auth_header.as_ref().map(|(name, _)| name.as_str()))
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Core {
    /// Sends a request and decodes a JSON body into `T`.
    pub async fn send<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &Query,
        body: Body<'_>,
    ) -> Result<Response<T>, Error> {
        let (status, headers, bytes) = self.exchange(method, path, query, body).await?;
        let body = decode(status, &bytes)?;
        Ok(Response { status, headers, body })
    }

    async fn exchange(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &Query,
        body: Body<'_>,
    ) -> Result<(u16, reqwest::header::HeaderMap, Vec<u8>), Error> {
        let url = format!("{}{}", self.base_url, path);
        let mut request = self.http.request(method, &url).query(query.pairs());
        request = request.header(reqwest::header::ACCEPT, "application/json");
        if let Some((name, value)) = &self.auth_header {
            request = request.header(name.clone(), value.clone());
        }
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        if let Body::Json(value) = body {
            let bytes = value.to_json().map_err(|e| Error::InvalidRequest(format!("the body cannot be written as JSON: {e}")))?;
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(bytes);
        }
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(transport)?.to_vec();
        if (200..300).contains(&status) {
            return Ok((status, headers, bytes));
        }
        let raw = excerpt(&String::from_utf8_lossy(&bytes), 4096);
        if status == 429 {
            let retry_after = headers
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Err(Error::RateLimited { retry_after, raw });
        }
        let body = serde_json::from_slice::<crate::ApiErrorBody>(&bytes).ok();
        Err(Error::Api { status, body, raw })
    }
}

fn transport(e: reqwest::Error) -> Error {
    if e.is_timeout() {
        Error::Timeout
    } else {
        Error::Transport(e.without_url())
    }
}

/// Decodes a JSON body, naming the path where it stops matching `T`.
pub fn decode<T: DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<T, Error> {
    // An empty body reads as `null`, so that bodies documented as optional decode.
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"null" } else { bytes };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| Error::Decode {
        status,
        path: e.path().to_string(),
        message: e.inner().to_string(),
        excerpt: excerpt(&String::from_utf8_lossy(bytes), 200),
    })
}
