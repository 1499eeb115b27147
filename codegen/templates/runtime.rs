//! The client runtime: sending requests (with retries, a rate limit and OAuth 2
//! tokens), decoding responses, errors, secrets, timestamps, query strings and paging.
//! The same file is emitted into every generated crate; it knows no vendor fact. It uses
//! two items of the crate root: `ApiErrorBody`, the vendor's error body, and
//! `DATETIME_FORMATS`, the timestamp formats of the vendor's documentation.

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
    /// The request could not be built (a bad base URL, a body that cannot be encoded).
    InvalidRequest(String),
}

impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Decode { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(429),
            _ => None,
        }
    }
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
            Error::Auth(why) => write!(f, "OAuth: {why}"),
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
pub fn json_body<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value).map_err(|e| Error::InvalidRequest(format!("the body cannot be written as JSON: {e}")))
}

/// Settings of one request that override the client's.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    /// `Some(t)`: this timeout instead of the client's (`Some(None)`: none).
    pub timeout: Option<Option<Duration>>,
    /// This retry policy instead of the client's.
    pub retry: Option<RetryPolicy>,
}

/// A request, ready to send (and to send again).
#[derive(Debug, Clone)]
pub struct Request {
    /// HTTP method.
    pub method: reqwest::Method,
    /// Path after the base URL, starting with `/`, its segments percent-encoded.
    pub path: String,
    /// Query string.
    pub query: Query,
    /// JSON body.
    pub body: Option<Vec<u8>>,
    /// Per-request settings.
    pub options: RequestOptions,
}

impl Request {
    /// A request without query or body.
    pub fn new(method: reqwest::Method, path: impl Into<String>) -> Request {
        Request { method, path: path.into(), query: Query::new(), body: None, options: RequestOptions::default() }
    }
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
    fn delay(&self, method: &reqwest::Method, error: &Error, retry_after: Option<Duration>, attempt: u32) -> Option<Duration> {
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
pub struct RateLimiter {
    limit: RateLimit,
    sent: std::sync::Arc<std::sync::Mutex<std::collections::VecDeque<tokio::time::Instant>>>,
}

impl RateLimiter {
    /// A limiter with nothing sent yet.
    pub fn new(limit: RateLimit) -> Self {
        RateLimiter { limit: RateLimit { max_requests: limit.max_requests.max(1), ..limit }, sent: Default::default() }
    }

    /// The limit it keeps.
    pub fn limit(&self) -> RateLimit {
        self.limit
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
#[derive(Clone)]
pub struct OAuthApp {
    authorize_url: String,
    token_url: String,
    form_encoded: bool,
    client_id: String,
    client_secret: Secret,
    redirect_uri: String,
    http: reqwest::Client,
}

impl fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthApp")
            .field("authorize_url", &self.authorize_url)
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("redirect_uri", &self.redirect_uri)
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

impl OAuthApp {
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
        OAuthApp {
            authorize_url: authorize_url.into(),
            token_url: token_url.into(),
            form_encoded,
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uri: redirect_uri.into(),
            http: reqwest::Client::new(),
        }
    }

    /// Sends token requests to `url` instead (a test server, a proxy).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = url.into();
        self
    }

    /// Uses this HTTP client for token requests.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// Where to send the user's browser: asks for `scopes`, and carries `state` (check it
    /// when the user comes back to the redirect URI).
    pub fn authorize_url(&self, scopes: &[&str], state: &str) -> Result<String, Error> {
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

    /// Trades the `code` the redirect URI received for a token.
    pub async fn exchange_code(&self, code: &str) -> Result<Token, Error> {
        self.token_request(&[("grant_type", "authorization_code"), ("code", code), ("redirect_uri", &self.redirect_uri)])
            .await
    }

    /// Trades a refresh token for a new token (which keeps the old refresh token when the
    /// endpoint sends none).
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<Token, Error> {
        let mut token =
            self.token_request(&[("grant_type", "refresh_token"), ("refresh_token", refresh_token.expose())]).await?;
        token.refresh_token.get_or_insert_with(|| refresh_token.clone());
        Ok(token)
    }

    /// A session that authenticates a client with the tokens in `store`.
    pub fn session(self, store: impl TokenStore + 'static) -> OAuthSession {
        OAuthSession { app: self, store: Box::new(store), refreshing: tokio::sync::Mutex::new(()) }
    }

    async fn token_request(&self, grant: &[(&str, &str)]) -> Result<Token, Error> {
        let mut params: Vec<(&str, &str)> =
            vec![("client_id", &self.client_id), ("client_secret", self.client_secret.expose())];
        params.extend_from_slice(grant);
        let request = self.http.post(&self.token_url).header(reqwest::header::ACCEPT, "application/json");
        let request = if self.form_encoded {
            request.form(&params)
        } else {
            let object: serde_json::Map<String, serde_json::Value> =
                params.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(*v))).collect();
            request.json(&object)
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(transport)?;
        if !(200..300).contains(&status) {
            return Err(Error::Auth(format!(
                "the token endpoint answered {status}: {}",
                excerpt(&String::from_utf8_lossy(&bytes), 200)
            )));
        }
        // No excerpt of a successful body: it holds tokens.
        let answer: TokenResponse = serde_json::from_slice(&bytes)
            .map_err(|e| Error::Auth(format!("the token endpoint's answer ({status}) is not a token: {e}")))?;
        Ok(Token {
            access_token: Secret::new(answer.access_token),
            refresh_token: answer.refresh_token.map(Secret::new),
            expires_at: answer.expires_in.map(|s| std::time::SystemTime::now() + Duration::from_secs(s)),
            scope: answer.scope,
        })
    }
}

/// OAuth 2 credentials of a client: the application and a store of tokens. An access
/// token about to expire (or refused with 401) is refreshed once, and the call sent again.
pub struct OAuthSession {
    app: OAuthApp,
    store: Box<dyn TokenStore>,
    /// Held while refreshing, so that concurrent calls refresh once.
    refreshing: tokio::sync::Mutex<()>,
}

impl fmt::Debug for OAuthSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthSession").field("app", &self.app).finish_non_exhaustive()
    }
}

/// Access tokens this close to expiry are refreshed before use.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

impl OAuthSession {
    /// The access token to send, refreshed first if it is about to expire.
    async fn access_token(&self) -> Result<Secret, Error> {
        let token = self.store.load().ok_or_else(|| Error::Auth("the token store holds no token".into()))?;
        if token.expires_within(EXPIRY_MARGIN) && token.refresh_token.is_some() {
            return self.refresh_after(&token.access_token).await;
        }
        Ok(token.access_token)
    }

    /// Refreshes the token, unless another call already replaced `stale`.
    async fn refresh_after(&self, stale: &Secret) -> Result<Secret, Error> {
        let _refreshing = self.refreshing.lock().await;
        let current = self.store.load().ok_or_else(|| Error::Auth("the token store holds no token".into()))?;
        if current.access_token != *stale && !current.expires_within(EXPIRY_MARGIN) {
            return Ok(current.access_token);
        }
        let refresh_token = current
            .refresh_token
            .ok_or_else(|| Error::Auth("the access token expired and there is no refresh token".into()))?;
        let token = self.app.refresh(&refresh_token).await?;
        let access = token.access_token.clone();
        self.store.save(token);
        Ok(access)
    }
}

/// How list operations page, and where a page says how many there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// Where a walk through the pages is.
struct Pager<T> {
    core: Core,
    request: Request,
    paging: Paging,
    items: &'static str,
    /// Page number or offset of the next page.
    position: u64,
    size: u64,
    buffer: std::collections::VecDeque<T>,
    done: bool,
    /// The previous page's items, to stop if a server ignores the page asked for.
    previous: Option<Vec<serde_json::Value>>,
}

/// Every item of every page of a list operation, fetching each page when the stream
/// reaches it. Starts at the page (or offset) `request` asks for, else the first; stops
/// after an empty page, a page shorter than the page size, the last page the response
/// announces, or a page that repeats the previous one.
pub fn paginate<T: DeserializeOwned + Send + 'static>(
    core: Core,
    request: Result<Request, Error>,
    paging: Paging,
    items: &'static str,
) -> impl futures_util::Stream<Item = Result<T, Error>> + Send + 'static {
    let start = request.map(|mut request| {
        let (position_param, size_param, first, default_size) = match paging {
            Paging::PageNumber { page_param, per_page_param, first_page, per_page, .. } => {
                (page_param, per_page_param, first_page, per_page)
            }
            Paging::Offset { offset_param, limit_param, limit, .. } => (offset_param, limit_param, 0, limit),
        };
        let position = request.query.get(position_param).and_then(|v| v.parse().ok()).unwrap_or(first);
        let size = request.query.get(size_param).and_then(|v| v.parse().ok()).unwrap_or(default_size).max(1);
        request.query.set(size_param, size);
        Pager { core, request, paging, items, position, size, buffer: Default::default(), done: false, previous: None }
    });
    futures_util::stream::try_unfold(Some(start), |state| async move {
        let mut pager = match state {
            None => return Ok(None),
            Some(Err(e)) => return Err(e),
            Some(Ok(pager)) => pager,
        };
        loop {
            if let Some(item) = pager.buffer.pop_front() {
                return Ok(Some((item, Some(Ok(pager)))));
            }
            if pager.done {
                return Ok(None);
            }
            pager.next_page().await?;
        }
    })
}

impl<T: DeserializeOwned> Pager<T> {
    async fn next_page(&mut self) -> Result<(), Error> {
        let param = match self.paging {
            Paging::PageNumber { page_param, .. } => page_param,
            Paging::Offset { offset_param, .. } => offset_param,
        };
        self.request.query.set(param, self.position);
        let response = self.core.execute::<serde_json::Value>(&self.request).await?;
        let status = response.status;
        let shape_error = |path: String, message: String| Error::Decode {
            status,
            path,
            message,
            excerpt: excerpt(&response.body.to_string(), 200),
        };
        let items = match lookup(&response.body, self.items) {
            Some(serde_json::Value::Array(items)) => items.clone(),
            Some(serde_json::Value::Null) | None => Vec::new(),
            Some(_) => return Err(shape_error(self.items.to_string(), "the page's items are not an array".into())),
        };
        let count = items.len() as u64;
        if count > 0 && self.previous.as_ref() == Some(&items) {
            // The same page again: the server ignores the page parameter.
            self.done = true;
            return Ok(());
        }
        self.previous = Some(items.clone());
        for (index, item) in items.into_iter().enumerate() {
            let decoded = serde_path_to_error::deserialize(item)
                .map_err(|e| shape_error(format!("{}[{index}].{}", self.items, e.path()), e.inner().to_string()))?;
            self.buffer.push_back(decoded);
        }
        let announced = |path: Option<&str>| path.and_then(|p| lookup(&response.body, p)).and_then(as_count);
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

/// The value at a dotted path (`meta.total`).
fn lookup<'v>(value: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    path.split('.').try_fold(value, |value, key| value.get(key))
}

/// A count given as a number or as a string of digits.
fn as_count(value: &serde_json::Value) -> Option<u64> {
    value.as_u64().or_else(|| value.as_str()?.trim().parse().ok())
}

/// The connection settings every call uses.
#[derive(Debug, Clone)]
pub struct Core {
    /// Base URL, without a trailing slash.
    pub base_url: String,
    /// The HTTP client.
    pub http: reqwest::Client,
    /// How calls authenticate.
    pub credentials: Credentials,
    /// Timeout of each attempt.
    pub timeout: Option<Duration>,
    /// When failed calls are sent again.
    pub retry: RetryPolicy,
    /// Holds calls back to stay under a rate limit.
    pub rate_limiter: Option<RateLimiter>,
}

/// A failed attempt, with the wait the server asked for.
struct Failure {
    error: Error,
    retry_after: Option<Duration>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure { error, retry_after: None }
    }
}

impl Core {
    /// Sends a request (again if it fails and the retry policy allows it) and decodes a
    /// JSON body into `T`.
    pub async fn execute<T: DeserializeOwned>(&self, request: &Request) -> Result<Response<T>, Error> {
        let policy = request.options.retry.as_ref().unwrap_or(&self.retry);
        let mut attempt = 1;
        let mut refreshed = false;
        loop {
            if let Some(limiter) = &self.rate_limiter {
                limiter.acquire().await;
            }
            let (authorization, token) = self.authorization().await?;
            let failure = match self.attempt(request, authorization).await {
                Ok((status, headers, bytes)) => {
                    let body = decode(status, &bytes)?;
                    return Ok(Response { status, headers, body });
                }
                Err(failure) => failure,
            };
            if let (Error::Api { status: 401, .. }, Credentials::OAuth(session), Some(token)) =
                (&failure.error, &self.credentials, &token)
            {
                if !refreshed {
                    refreshed = true;
                    session.refresh_after(token).await?;
                    continue;
                }
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

    /// The authorization header to send, and the OAuth access token in it.
    async fn authorization(
        &self,
    ) -> Result<((reqwest::header::HeaderName, reqwest::header::HeaderValue), Option<Secret>), Error> {
        match &self.credentials {
            Credentials::Header(name, value) => Ok(((name.clone(), value.clone()), None)),
            Credentials::OAuth(session) => {
                let token = session.access_token().await?;
                let value = bearer(&token)?;
                Ok(((reqwest::header::AUTHORIZATION, value), Some(token)))
            }
        }
    }

    async fn attempt(
        &self,
        request: &Request,
        (name, value): (reqwest::header::HeaderName, reqwest::header::HeaderValue),
    ) -> Result<(u16, reqwest::header::HeaderMap, Vec<u8>), Failure> {
        let url = format!("{}{}", self.base_url, request.path);
        let mut builder = self
            .http
            .request(request.method.clone(), &url)
            .query(request.query.pairs())
            .header(reqwest::header::ACCEPT, "application/json")
            .header(name, value);
        if let Some(timeout) = request.options.timeout.unwrap_or(self.timeout) {
            builder = builder.timeout(timeout);
        }
        if let Some(bytes) = &request.body {
            builder = builder.header(reqwest::header::CONTENT_TYPE, "application/json").body(bytes.clone());
        }
        let response = builder.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(transport)?.to_vec();
        if (200..300).contains(&status) {
            return Ok((status, headers, bytes));
        }
        let raw = excerpt(&String::from_utf8_lossy(&bytes), 4096);
        let retry_after = retry_after(&headers);
        let error = if status == 429 {
            Error::RateLimited { retry_after, raw }
        } else {
            let body = serde_json::from_slice::<crate::ApiErrorBody>(&bytes).ok();
            Error::Api { status, body, raw }
        };
        Err(Failure { error, retry_after })
    }
}

/// `Bearer <token>`, marked sensitive.
pub fn bearer(token: &Secret) -> Result<reqwest::header::HeaderValue, Error> {
    let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| Error::InvalidRequest("the token holds characters a header cannot carry".into()))?;
    value.set_sensitive(true);
    Ok(value)
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
    // An empty body (204) reads as `null`, so that bodies documented as optional decode.
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"null" } else { bytes };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| Error::Decode {
        status,
        path: e.path().to_string(),
        message: e.inner().to_string(),
        excerpt: excerpt(&String::from_utf8_lossy(bytes), 200),
    })
}

/// A request to any path, for endpoints the documentation does not give: the response
/// is decoded into `T` (a generated model, or `serde_json::Value`).
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest<'a, T> {
    core: &'a Core,
    request: Result<Request, Error>,
    output: std::marker::PhantomData<fn() -> T>,
}

impl<'a, T: DeserializeOwned> RawRequest<'a, T> {
    /// `method path` on the client's base URL; `path` starts with `/` and has its segments
    /// percent-encoded (see [`path_segment`]).
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

    /// Sends `body` as JSON.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
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

    /// Sends the request and decodes the response body.
    pub async fn send(self) -> Result<T, Error> {
        self.send_with_response().await.map(|response| response.body)
    }

    /// Sends the request; the response keeps its status and headers.
    pub async fn send_with_response(self) -> Result<Response<T>, Error> {
        self.core.execute(&self.request?).await
    }
}

impl<'a, T: DeserializeOwned + 'a> std::future::IntoFuture for RawRequest<'a, T> {
    type Output = Result<T, Error>;
    type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
