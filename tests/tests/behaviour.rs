//! What every generated client does the same way, because it comes from the one runtime
//! template: checked on each client against local servers (wiremock, and a raw TCP
//! server for endless bodies). Retries on 429 (honouring `Retry-After`, in seconds or as
//! a date) and 502/503/504, the retry bound, non-idempotent requests not retried,
//! timeouts, decode errors naming the JSON path, data after the JSON body, HTML error
//! pages, the client-side rate limit, the request to any path, secrets kept out of
//! `Debug` and error messages; redirects (credentials never leave the API's origin, even
//! with the user's own HTTP client), the response size limit, and list walks bounded in
//! pages, stopped on a page seen before, going on past an item that does not decode;
//! timestamps in ISO 8601 forms; and, for the clients with OAuth 2, token requests bounded
//! in time, never redirected, and errors that never show a secret. Each client's own
//! behaviour (its operations, its paging parameters) is tested in its own file.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SECRET: &str = "behaviour-secret-0123";

/// A body to decode with the request to any path.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // read through `Debug` only
struct Probe {
    items: Vec<ProbeItem>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct ProbeItem {
    id: i64,
}

fn ok_json() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(r#"{"ok": true}"#, "application/json")
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

/// A server that reads the head of each request and answers `200`, a JSON content type,
/// then `rest` (more header lines, the blank line, the start of the body), then `chunk`
/// `chunks` times, one every `pause` (`usize::MAX` times: until the client goes away),
/// then keeps the connection open for a minute. Its base URL.
async fn raw_server(rest: String, chunk: &'static str, chunks: usize, pause: Duration) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{rest}");
            tokio::spawn(async move {
                let _ = socket.read(&mut [0u8; 8192]).await;
                let mut sent = socket.write_all(head.as_bytes()).await;
                for _ in 0..chunks {
                    sent = sent.and(socket.write_all(chunk.as_bytes()).await);
                    if sent.is_err() {
                        return;
                    }
                    tokio::time::sleep(pause).await;
                }
                tokio::time::sleep(Duration::from_secs(60)).await;
            });
        }
    });
    url
}

/// A server whose chunked JSON body never ends (`[1,1,1,...`): a chunk every `pause`.
async fn endless_body_server(pause: Duration) -> String {
    static CHUNK: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let chunk = CHUNK.get_or_init(|| {
        let data = "1,".repeat(8 * 1024);
        format!("{:x}\r\n{data}\r\n", data.len())
    });
    raw_server("transfer-encoding: chunked\r\n\r\n1\r\n[\r\n".into(), chunk, usize::MAX, pause).await
}

/// A server that announces a body of `length` bytes, then sends one byte and waits.
async fn announcing_server(length: u64) -> String {
    raw_server(format!("content-length: {length}\r\n\r\n["), "", 0, Duration::ZERO).await
}

/// The value of `key` in a request's query string.
fn query_value(request: &Request, key: &str) -> Option<String> {
    request.url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

/// A list server: every page it answers is full (as many items as the page size asked
/// for in `size_param`), made by `page(n, size)` for the `n`-th request (0-based).
fn list_pages(
    items: &'static str,
    size_param: &'static str,
    page: impl Fn(u64, u64) -> Vec<Value> + Send + Sync + 'static,
) -> impl Fn(&Request) -> ResponseTemplate + Send + Sync + 'static {
    let served = AtomicU64::new(0);
    move |request: &Request| {
        let size = query_value(request, size_param).and_then(|v| v.parse().ok()).unwrap_or(10);
        let n = served.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200).set_body_json(json!({ items: page(n, size) }))
    }
}

/// The tests, for one client crate. `$builder` makes a `ClientBuilder` with the secret
/// as credential; `$header` is the header that credential is sent in, and `$value` its
/// value. `$resource().list()` is a list operation without required inputs, its page's items under
/// `$items`, its page size in the query parameter `$size`; `$item(n)` is an item that
/// decodes, and `$bad` (when the items are typed) one that does not.
macro_rules! shared_behaviour {
    (
        $module:ident,
        $krate:ident,
        builder = $builder:expr,
        header = $header:literal,
        value = $value:expr,
        resource = $resource:ident,
        items = $items:literal,
        size_param = $size:literal,
        item = $item:expr
        $(, bad_item = $bad:expr)?
    ) => {
        mod $module {
            use super::*;
            use ::$krate::reqwest::Method;
            use ::$krate::{Client, ClientBuilder, Error, RateLimit, RetryPolicy};

            fn make_builder() -> ClientBuilder {
                let make: fn() -> ClientBuilder = $builder;
                make()
            }

            fn builder(server: &MockServer) -> ClientBuilder {
                make_builder().base_url(server.uri())
            }

            /// Retries as by default, without waiting long between attempts.
            fn client(server: &MockServer) -> Client {
                builder(server).retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1))).build().unwrap()
            }

            #[tokio::test]
            async fn a_429_with_retry_after_is_waited_for_then_retried() {
                let server = MockServer::start().await;
                Mock::given(method("GET"))
                    .and(path("/probe"))
                    .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
                    .up_to_n_times(1)
                    .mount(&server)
                    .await;
                Mock::given(method("GET")).and(path("/probe")).respond_with(ok_json()).mount(&server).await;

                let started = Instant::now();
                let body: Value = client(&server).request(Method::GET, "/probe").await.unwrap();
                assert_eq!(body, json!({"ok": true}));
                assert_eq!(requests(&server).await, 2);
                assert!(started.elapsed() >= Duration::from_millis(950), "waited {:?}", started.elapsed());
            }

            #[tokio::test]
            async fn retry_after_as_an_http_date() {
                let server = MockServer::start().await;
                // A date already past: retried at once.
                Mock::given(path("/past"))
                    .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"))
                    .up_to_n_times(1)
                    .mount(&server)
                    .await;
                Mock::given(path("/past")).respond_with(ok_json()).mount(&server).await;
                // A date too far ahead: not waited for; the wait is in the error.
                Mock::given(path("/future"))
                    .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "Fri, 01 Jan 2100 00:00:00 GMT"))
                    .mount(&server)
                    .await;

                let client = client(&server);
                let started = Instant::now();
                let _: Value = client.request(Method::GET, "/past").await.unwrap();
                assert!(started.elapsed() < Duration::from_secs(5));
                match client.request::<Value>(Method::GET, "/future").await {
                    Err(Error::RateLimited { retry_after: Some(wait), .. }) => {
                        assert!(wait > Duration::from_secs(365 * 24 * 3600), "{wait:?}")
                    }
                    other => panic!("expected Error::RateLimited with the date's wait, got {other:?}"),
                }
                assert_eq!(requests(&server).await, 3, "the far date is not retried");
            }

            #[tokio::test]
            async fn a_503_twice_then_success() {
                let server = MockServer::start().await;
                Mock::given(method("DELETE"))
                    .and(path("/probe/1"))
                    .respond_with(ResponseTemplate::new(503))
                    .up_to_n_times(2)
                    .mount(&server)
                    .await;
                Mock::given(method("DELETE")).and(path("/probe/1")).respond_with(ok_json()).mount(&server).await;

                let _: Value = client(&server).request(Method::DELETE, "/probe/1").await.unwrap();
                assert_eq!(requests(&server).await, 3);
            }

            #[tokio::test]
            async fn a_post_that_fails_is_not_retried_unless_asked() {
                let server = MockServer::start().await;
                Mock::given(path("/probe")).respond_with(ResponseTemplate::new(503)).mount(&server).await;

                let client = client(&server);
                match client.request::<Value>(Method::POST, "/probe").json(&json!({"a": 1})).await {
                    Err(Error::Api { status: 503, .. }) => {}
                    other => panic!("expected Error::Api 503, got {other:?}"),
                }
                assert_eq!(requests(&server).await, 1);
                match client.request::<Value>(Method::PATCH, "/probe").await {
                    Err(Error::Api { status: 503, .. }) => {}
                    other => panic!("expected Error::Api 503, got {other:?}"),
                }
                assert_eq!(requests(&server).await, 2);

                let eager = RetryPolicy::default().initial_backoff(Duration::from_millis(1)).retry_non_idempotent(true);
                let _ = client.request::<Value>(Method::POST, "/probe").retry(eager).await;
                assert_eq!(requests(&server).await, 5, "asked to, a POST is retried up to the bound");
            }

            #[tokio::test]
            async fn retries_stop_at_the_bound_and_can_be_turned_off() {
                let server = MockServer::start().await;
                Mock::given(method("GET")).respond_with(ResponseTemplate::new(502)).mount(&server).await;

                let policy = RetryPolicy::default().initial_backoff(Duration::from_millis(1)).max_attempts(4);
                let client = builder(&server).retry(policy).build().unwrap();
                match client.request::<Value>(Method::GET, "/probe").await {
                    Err(Error::Api { status: 502, .. }) => {}
                    other => panic!("expected Error::Api 502, got {other:?}"),
                }
                assert_eq!(requests(&server).await, 4);

                let _ = client.request::<Value>(Method::GET, "/probe").retry(RetryPolicy::none()).await;
                assert_eq!(requests(&server).await, 5);
                let off = builder(&server).retry(RetryPolicy::none()).build().unwrap();
                let _ = off.request::<Value>(Method::GET, "/probe").await;
                assert_eq!(requests(&server).await, 6);
            }

            #[tokio::test]
            async fn other_errors_are_not_retried() {
                let server = MockServer::start().await;
                Mock::given(method("GET")).respond_with(ResponseTemplate::new(500)).mount(&server).await;
                let _ = client(&server).request::<Value>(Method::GET, "/probe").await;
                assert_eq!(requests(&server).await, 1);
            }

            #[tokio::test]
            async fn a_slow_server_hits_the_timeout() {
                let server = MockServer::start().await;
                Mock::given(method("GET"))
                    .respond_with(ok_json().set_delay(Duration::from_secs(3)))
                    .mount(&server)
                    .await;

                let started = Instant::now();
                match client(&server).request::<Value>(Method::GET, "/probe").timeout(Duration::from_millis(150)).await {
                    Err(Error::Timeout) => {}
                    other => panic!("expected Error::Timeout, got {other:?}"),
                }
                assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
                assert_eq!(requests(&server).await, 1, "a timeout is not retried");
            }

            #[tokio::test]
            async fn bodies_of_the_wrong_shape_or_malformed_name_the_path() {
                let server = MockServer::start().await;
                Mock::given(path("/wrong"))
                    .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"items": [{"id": 1}, {"id": "two"}]}"#, "application/json"))
                    .mount(&server)
                    .await;
                Mock::given(path("/cut"))
                    .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"items": [{"id": 1}, {"id": "#, "application/json"))
                    .mount(&server)
                    .await;

                let client = client(&server);
                match client.request::<Probe>(Method::GET, "/wrong").await {
                    Err(Error::Decode { status: 200, path, message, excerpt }) => {
                        assert_eq!(path, "items[1].id");
                        assert!(message.contains("invalid type"), "{message}");
                        assert!(excerpt.starts_with(r#"{"items""#), "{excerpt}");
                    }
                    other => panic!("expected Error::Decode, got {other:?}"),
                }
                match client.request::<Probe>(Method::GET, "/cut").await {
                    Err(Error::Decode { path, message, .. }) => {
                        assert_eq!(path, "items[1].id");
                        assert!(message.contains("EOF"), "{message}");
                    }
                    other => panic!("expected Error::Decode, got {other:?}"),
                }
            }

            #[tokio::test]
            async fn an_html_error_page_is_an_api_error() {
                let server = MockServer::start().await;
                Mock::given(method("GET"))
                    .respond_with(ResponseTemplate::new(500).set_body_raw("<html><body><h1>Oops</h1></body></html>", "text/html"))
                    .mount(&server)
                    .await;
                match client(&server).request::<Value>(Method::GET, "/probe").await {
                    Err(Error::Api { status: 500, body: None, raw }) => assert!(raw.contains("Oops"), "{raw}"),
                    other => panic!("expected Error::Api 500 without a decoded body, got {other:?}"),
                }
            }

            #[tokio::test]
            async fn an_empty_success_body_reads_as_null() {
                let server = MockServer::start().await;
                Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
                let response = client(&server).request::<Value>(Method::DELETE, "/probe/1").send_with_response().await.unwrap();
                assert_eq!((response.status, response.body), (204, Value::Null));
            }

            #[tokio::test]
            async fn a_refused_connection_is_a_transport_error() {
                // A port nothing listens on: bound, then released.
                let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
                let make: fn() -> ClientBuilder = $builder;
                let client = make()
                    .base_url(format!("http://127.0.0.1:{port}"))
                    .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
                    .build()
                    .unwrap();
                match client.request::<Value>(Method::POST, "/probe").await {
                    Err(error @ Error::Transport(_)) => {
                        assert!(!error.to_string().contains(&port.to_string()), "no URL in the message: {error}")
                    }
                    other => panic!("expected Error::Transport, got {other:?}"),
                }
            }

            #[tokio::test]
            async fn the_rate_limit_holds_requests_back() {
                let server = MockServer::start().await;
                Mock::given(method("GET")).respond_with(ok_json()).mount(&server).await;
                let limit = RateLimit { max_requests: 2, window: Duration::from_millis(400) };
                let client = builder(&server).rate_limit(Some(limit)).build().unwrap();

                let started = Instant::now();
                for _ in 0..2 {
                    let _: Value = client.request(Method::GET, "/probe").await.unwrap();
                }
                assert!(started.elapsed() < Duration::from_millis(350), "two fit in the window");
                // A clone shares the limiter.
                let _: Value = client.clone().request(Method::GET, "/probe").await.unwrap();
                assert!(started.elapsed() >= Duration::from_millis(400), "the third waited: {:?}", started.elapsed());
                assert_eq!(requests(&server).await, 3);
            }

            #[tokio::test]
            async fn a_request_to_any_path_sends_credentials_query_and_body() {
                let server = MockServer::start().await;
                Mock::given(method("PUT"))
                    .and(path("/undocumented/a%2Fb"))
                    .and(query_param("flag", "on"))
                    .and(header($header, $value))
                    .and(body_json(json!({"name": "x"})))
                    .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"items": [{"id": 7}]}"#, "application/json"))
                    .expect(1)
                    .mount(&server)
                    .await;

                let path = format!("/undocumented/{}", ::$krate::path_segment("a/b"));
                let response = client(&server)
                    .request::<Probe>(Method::PUT, path)
                    .query("flag", "on")
                    .json(&json!({"name": "x"}))
                    .send_with_response()
                    .await
                    .unwrap();
                assert_eq!(response.status, 200);
                assert_eq!(response.body.items[0].id, 7);

                match client(&server).request::<Value>(Method::GET, "no-slash").await {
                    Err(Error::InvalidRequest(why)) => assert!(why.contains("start with `/`"), "{why}"),
                    other => panic!("expected Error::InvalidRequest, got {other:?}"),
                }
            }

            #[tokio::test]
            async fn debug_output_never_shows_the_secret() {
                let server = MockServer::start().await;
                let builder = builder(&server);
                assert!(!format!("{builder:?}").contains(SECRET), "{builder:?}");
                let client = builder.build().unwrap();
                for text in [format!("{client:?}"), format!("{client:#?}")] {
                    assert!(!text.contains(SECRET), "{text}");
                }
                let request = client.request::<Value>(Method::GET, "/probe");
                assert!(!format!("{request:?}").contains(SECRET));
            }

            /// A server answering every request with `template`, and a client of `api`
            /// whose redirects may lead there.
            async fn other_origin(template: ResponseTemplate) -> MockServer {
                let other = MockServer::start().await;
                Mock::given(wiremock::matchers::any()).respond_with(template).mount(&other).await;
                other
            }

            /// No request `server` received carried the credential header.
            async fn no_credential_reached(server: &MockServer) {
                for request in server.received_requests().await.unwrap_or_default() {
                    assert!(request.headers.get($header).is_none(), "{} reached {}", $header, request.url);
                    assert!(!format!("{:?}", request.headers).contains(SECRET), "{:?}", request.headers);
                }
            }

            /// The API redirects `GET /probe` (302) and `POST /create` (307) to `other`.
            async fn redirecting_api(other: &MockServer) -> MockServer {
                let api = MockServer::start().await;
                Mock::given(method("GET"))
                    .and(path("/probe"))
                    .respond_with(ResponseTemplate::new(302).insert_header("Location", format!("{}/probe", other.uri())))
                    .mount(&api)
                    .await;
                Mock::given(method("POST"))
                    .and(path("/create"))
                    .respond_with(ResponseTemplate::new(307).insert_header("Location", format!("{}/create", other.uri())))
                    .mount(&api)
                    .await;
                api
            }

            /// `result` is the refusal of a redirect (`status`) to `other`, which says why.
            fn refused_redirect(result: Result<Value, Error>, status: u16, other: &MockServer) {
                let error = result.expect_err("a redirect to another origin is an error");
                let text = format!("{error} {error:?}");
                match error {
                    Error::Redirect { status: got, location, reason } => {
                        assert_eq!((got, location), (status, other.uri()));
                        assert!(reason.contains("another origin") && reason.contains("follow_cross_origin_redirects"), "{reason}");
                        assert!(!text.contains(SECRET), "{text}");
                    }
                    other => panic!("expected Error::Redirect, got {other:?}"),
                }
            }

            #[tokio::test]
            async fn a_redirect_to_another_origin_is_not_followed() {
                let other = other_origin(ok_json()).await;
                let api = redirecting_api(&other).await;
                let client = client(&api);

                refused_redirect(client.request(Method::GET, "/probe").await, 302, &other);
                refused_redirect(client.request(Method::POST, "/create").json(&json!({"name": "x"})).await, 307, &other);
                assert_eq!(requests(&other).await, 0, "nothing reached the other origin");
                assert_eq!(requests(&api).await, 2, "a refused redirect is not retried");
            }

            #[tokio::test]
            async fn an_http_client_of_the_user_that_follows_redirects_is_overruled() {
                let other = other_origin(ok_json()).await;
                let api = redirecting_api(&other).await;
                let follows = ::$krate::reqwest::Client::builder().redirect(::$krate::reqwest::redirect::Policy::limited(10));
                let client = builder(&api).http_client(follows).build().unwrap();

                refused_redirect(client.request(Method::GET, "/probe").await, 302, &other);
                refused_redirect(client.request(Method::POST, "/create").json(&json!({"name": "x"})).await, 307, &other);
                assert_eq!(requests(&other).await, 0, "nothing reached the other origin");
            }

            #[tokio::test]
            async fn allowed_cross_origin_redirects_are_followed_without_credentials() {
                let other = other_origin(ResponseTemplate::new(200).set_body_raw(r#"{"at": "other"}"#, "application/json")).await;
                let api = redirecting_api(&other).await;
                let follows = ::$krate::reqwest::Client::builder().redirect(::$krate::reqwest::redirect::Policy::limited(10));
                let client = builder(&api).http_client(follows).follow_cross_origin_redirects(true).build().unwrap();

                let got: Value = client.request(Method::GET, "/probe").await.unwrap();
                assert_eq!(got, json!({"at": "other"}));
                let _: Value = client.request(Method::POST, "/create").json(&json!({"name": "x"})).await.unwrap();
                let received = other.received_requests().await.unwrap();
                let seen: Vec<(String, String, Vec<u8>)> =
                    received.iter().map(|r| (r.method.to_string(), r.url.path().to_string(), r.body.clone())).collect();
                assert_eq!(
                    seen,
                    [
                        ("GET".to_string(), "/probe".to_string(), Vec::new()),
                        ("POST".to_string(), "/create".to_string(), br#"{"name":"x"}"#.to_vec())
                    ],
                    "a 307 repeats the request, body included"
                );
                no_credential_reached(&other).await;
            }

            #[tokio::test]
            async fn header_parameters_are_sent_to_the_api_origin_only() {
                let other = other_origin(ok_json()).await;
                let api = redirecting_api(&other).await;
                let client = builder(&api).follow_cross_origin_redirects(true).build().unwrap();

                let _: Value = client.request(Method::GET, "/probe").header("X-Trace-Id", "a b").await.unwrap();
                let sent = api.received_requests().await.unwrap();
                assert_eq!(sent.len(), 1);
                assert_eq!(sent[0].headers.get("x-trace-id").map(|v| v.to_str().unwrap()), Some("a b"));
                assert!(sent[0].headers.get($header).is_some(), "the credential goes with it");
                let redirected = other.received_requests().await.unwrap();
                assert_eq!(redirected.len(), 1);
                assert!(redirected[0].headers.get("x-trace-id").is_none(), "{:?}", redirected[0].headers);

                // A header parameter named like the credential's header does not replace it.
                let _: Value = client.request(Method::GET, "/probe").header($header, "spoofed").await.unwrap();
                let sent = api.received_requests().await.unwrap();
                let values: Vec<_> = sent[1].headers.get_all($header).iter().collect();
                assert_eq!(values.len(), 1, "{values:?}");
                assert_ne!(values[0], "spoofed");

                for (name, value) in [("X-Trace-Id", "line\nbreak"), ("bad name", "x")] {
                    match client.request::<Value>(Method::GET, "/probe").header(name, value).await {
                        Err(Error::InvalidRequest(why)) => assert!(why.contains(name), "{why}"),
                        other => panic!("expected Error::InvalidRequest, got {other:?}"),
                    }
                }
            }

            #[tokio::test]
            async fn redirects_within_the_origin_are_followed_with_credentials_up_to_a_bound() {
                let api = MockServer::start().await;
                Mock::given(path("/old"))
                    .respond_with(ResponseTemplate::new(301).insert_header("Location", "/new?x=1"))
                    .mount(&api)
                    .await;
                Mock::given(method("GET"))
                    .and(path("/new"))
                    .and(query_param("x", "1"))
                    .and(header($header, $value))
                    .respond_with(ok_json())
                    .mount(&api)
                    .await;
                Mock::given(method("POST"))
                    .and(path("/create"))
                    .respond_with(ResponseTemplate::new(303).insert_header("Location", "/new?x=1"))
                    .mount(&api)
                    .await;
                Mock::given(path("/loop"))
                    .respond_with(ResponseTemplate::new(307).insert_header("Location", "/loop"))
                    .mount(&api)
                    .await;
                let client = client(&api);

                let _: Value = client.request(Method::GET, "/old").await.unwrap();
                // A 303 after a POST is a GET without the body.
                let _: Value = client.request(Method::POST, "/create").json(&json!({"name": "x"})).await.unwrap();
                let received = api.received_requests().await.unwrap();
                assert_eq!((received[3].method.as_str(), received[3].body.len()), ("GET", 0));

                match client.request::<Value>(Method::GET, "/loop").await {
                    Err(Error::Redirect { status: 307, reason, .. }) => assert!(reason.contains("too many"), "{reason}"),
                    other => panic!("expected Error::Redirect, got {other:?}"),
                }
                let loops = api.received_requests().await.unwrap().iter().filter(|r| r.url.path() == "/loop").count();
                assert_eq!(loops, ::$krate::Client::MAX_REDIRECTS + 1);
            }

            #[tokio::test]
            async fn a_body_over_the_limit_is_refused_from_its_content_length() {
                let server = MockServer::start().await;
                let at_limit = format!("\"{}\"", "a".repeat(998));
                Mock::given(path("/fits")).respond_with(ResponseTemplate::new(200).set_body_raw(at_limit, "application/json")).mount(&server).await;
                let over = format!("\"{}\"", "a".repeat(999));
                Mock::given(path("/over")).respond_with(ResponseTemplate::new(200).set_body_raw(over, "application/json")).mount(&server).await;
                let client = builder(&server).max_response_bytes(1000).build().unwrap();

                let fits: Value = client.request(Method::GET, "/fits").await.unwrap();
                assert_eq!(fits.as_str().map(str::len), Some(998));
                match client.request::<Value>(Method::GET, "/over").await {
                    Err(error @ Error::ResponseTooLarge { status: 200, limit: 1000 }) => {
                        assert!(error.to_string().contains("1000 bytes"), "{error}")
                    }
                    other => panic!("expected Error::ResponseTooLarge, got {other:?}"),
                }
            }

            #[tokio::test]
            async fn a_body_announced_over_the_limit_is_refused_before_it_is_read() {
                // 1.5 GB announced, then silence: refused at once, not at the timeout.
                let url = announcing_server(1_500_000_000).await;
                let client = make_builder().base_url(url).timeout(Some(Duration::from_secs(20))).build().unwrap();
                let started = Instant::now();
                match client.request::<Value>(Method::GET, "/probe").await {
                    Err(Error::ResponseTooLarge { status: 200, limit }) => assert_eq!(limit, Client::DEFAULT_MAX_RESPONSE_BYTES),
                    other => panic!("expected Error::ResponseTooLarge, got {other:?}"),
                }
                assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
            }

            #[tokio::test]
            async fn an_endless_body_is_cut_at_the_limit() {
                let url = endless_body_server(Duration::ZERO).await;
                let client = make_builder().base_url(url).max_response_bytes(4 * 1024 * 1024).build().unwrap();
                let started = Instant::now();
                match client.request::<Value>(Method::GET, "/probe").await {
                    Err(Error::ResponseTooLarge { status: 200, limit }) => assert_eq!(limit, 4 * 1024 * 1024),
                    other => panic!("expected Error::ResponseTooLarge, got {other:?}"),
                }
                assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
            }

            #[tokio::test]
            async fn a_body_that_trickles_forever_hits_the_timeout() {
                let url = endless_body_server(Duration::from_millis(20)).await;
                let client = make_builder().base_url(url).timeout(Some(Duration::from_millis(400))).build().unwrap();
                let started = Instant::now();
                match client.request::<Value>(Method::GET, "/probe").await {
                    Err(Error::Timeout) => {}
                    other => panic!("expected Error::Timeout, got {other:?}"),
                }
                assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
            }

            #[tokio::test]
            async fn data_after_the_json_body_is_a_decode_error() {
                let server = MockServer::start().await;
                for (route, body) in [("/garbage", r#"{"ok": true} xyz"#), ("/two", r#"{"ok": true}{"ok": false}"#), ("/spaces", "{\"ok\": true} \r\n\t")] {
                    Mock::given(path(route)).respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json")).mount(&server).await;
                }
                let client = client(&server);
                for route in ["/garbage", "/two"] {
                    match client.request::<Value>(Method::GET, route).await {
                        Err(Error::Decode { status: 200, message, .. }) => assert!(message.contains("after the JSON value"), "{message}"),
                        other => panic!("{route}: expected Error::Decode, got {other:?}"),
                    }
                }
                let ok: Value = client.request(Method::GET, "/spaces").await.unwrap();
                assert_eq!(ok, json!({"ok": true}), "whitespace after the value is fine");
            }

            #[tokio::test]
            async fn an_error_body_that_echoes_the_credential_does_not_show_it() {
                let server = MockServer::start().await;
                let echo = format!(r#"{{"error": "bad credential {SECRET}"}}"#);
                Mock::given(path("/probe")).respond_with(ResponseTemplate::new(400).set_body_raw(echo.clone(), "application/json")).mount(&server).await;
                Mock::given(path("/busy")).respond_with(ResponseTemplate::new(429).set_body_raw(echo, "text/plain")).mount(&server).await;
                let client = builder(&server).retry(RetryPolicy::none()).build().unwrap();
                for route in ["/probe", "/busy"] {
                    let error = client.request::<Value>(Method::GET, route).await.unwrap_err();
                    let text = format!("{error} {error:?}");
                    assert!(text.contains("bad credential ***"), "{text}");
                    assert!(!text.contains(SECRET), "{text}");
                }
            }

            /// The items of `results`, or the error at its end.
            fn split<T>(results: Vec<Result<T, Error>>) -> (usize, Option<Error>) {
                let count = results.len();
                let mut errors = results.into_iter().filter_map(Result::err);
                let error = errors.next();
                assert!(errors.next().is_none(), "one error at most");
                (count, error)
            }

            #[tokio::test]
            async fn a_list_walk_stops_at_the_page_limit() {
                use ::$krate::futures_util::StreamExt;
                let server = MockServer::start().await;
                // Full pages of new items, forever.
                let item = $item;
                let endless = list_pages($items, $size, move |n, size| (0..size).map(|i| item(n * 1000 + i)).collect());
                Mock::given(method("GET")).respond_with(endless).mount(&server).await;

                let results: Vec<_> = client(&server).$resource().list().max_pages(3).stream().collect().await;
                let size = results.len() as u64 / 3;
                assert!(size > 0);
                match split(results) {
                    (count, Some(Error::TooManyPages { limit: 3 })) => assert_eq!(count as u64, 3 * size + 1),
                    other => panic!("expected the items of 3 pages, then Error::TooManyPages, got {other:?}"),
                }
                assert_eq!(requests(&server).await, 3);

                let limited = builder(&server).max_pages(2).build().unwrap();
                match limited.$resource().list().all().await {
                    Err(error @ Error::TooManyPages { limit: 2 }) => assert!(error.to_string().contains("max_pages"), "{error}"),
                    other => panic!("expected Error::TooManyPages, got {other:?}"),
                }
                assert_eq!(requests(&server).await, 5);
            }

            #[tokio::test]
            async fn a_list_walk_stops_at_a_page_seen_before() {
                use ::$krate::futures_util::StreamExt;
                let server = MockServer::start().await;
                // Pages A, B, A, B, ...: each differs from the one before.
                let item = $item;
                let cycle = list_pages($items, $size, move |n, size| (0..size).map(|i| item((n % 2) * 1000 + i)).collect());
                Mock::given(method("GET")).respond_with(cycle).mount(&server).await;

                let results: Vec<_> = client(&server).$resource().list().stream().collect().await;
                let size = (results.len() as u64 - 1) / 2;
                match split(results) {
                    (count, Some(error @ Error::RepeatedPage { page: 3, same_as: 1 })) => {
                        assert_eq!(count as u64, 2 * size + 1);
                        assert!(error.to_string().contains("repeats page 1"), "{error}");
                    }
                    other => panic!("expected the items of pages 1 and 2, then Error::RepeatedPage, got {other:?}"),
                }
                assert_eq!(requests(&server).await, 3);
            }

            $(
            #[tokio::test]
            async fn an_item_that_does_not_decode_is_an_error_and_the_walk_goes_on() {
                use ::$krate::futures_util::StreamExt;
                let server = MockServer::start().await;
                // A full first page with one bad item, then a short page (and again, for
                // the next walk).
                let (item, bad) = ($item, $bad);
                let pages = list_pages($items, $size, move |n, size| match n % 2 {
                    0 => (0..size).map(|i| if i == 1 { bad.clone() } else { item(i) }).collect(),
                    _ => vec![item(size)],
                });
                Mock::given(method("GET")).respond_with(pages).mount(&server).await;

                let results: Vec<_> = client(&server).$resource().list().stream().collect().await;
                let size = results.len() - 1;
                assert!(size > 2, "{results:?}");
                for (index, result) in results.iter().enumerate() {
                    match (index, result) {
                        (1, Err(Error::Decode { path, message, excerpt, .. })) => {
                            assert!(path.starts_with(concat!($items, "[1]")), "{path}");
                            assert!(message.contains("list item 1, on page 1"), "{message}");
                            assert_eq!(excerpt, &bad_item_text());
                        }
                        (1, other) => panic!("expected Error::Decode for item 1, got {other:?}"),
                        (_, Ok(_)) => {}
                        (_, Err(e)) => panic!("item {index}: {e}"),
                    }
                }
                assert_eq!(requests(&server).await, 2, "the walk went on to the second page");
                assert!(client(&server).$resource().list().all().await.is_err(), ".all() fails on the bad item");
            }

            fn bad_item_text() -> String {
                let bad: Value = $bad;
                bad.to_string()
            }
            )?

            #[test]
            fn timestamps_read_the_iso_8601_forms_and_nothing_else() {
                use ::$krate::Timestamp;
                let read = |text: &str| {
                    Timestamp::parse(text)
                        .map(|t| (t.local().format("%Y-%m-%dT%H:%M:%S%.f").to_string(), t.offset().map(|o| o.local_minus_utc())))
                };
                let local = |at: &str| Some((at.to_string(), None));
                let at = |at: &str, offset: i32| Some((at.to_string(), Some(offset)));
                assert_eq!(read("2015-05-24"), local("2015-05-24T00:00:00"), "a date alone: midnight");
                assert_eq!(read("2015-05-24T10:00"), local("2015-05-24T10:00:00"));
                assert_eq!(read("2015-05-24T10:00:30"), local("2015-05-24T10:00:30"));
                assert_eq!(read("2015-05-24 10:00:30"), local("2015-05-24T10:00:30"));
                assert_eq!(read("2015-05-24t10:00:30.5"), local("2015-05-24T10:00:30.500"));
                assert_eq!(read("2015-05-24T10:00:30.123456789999"), local("2015-05-24T10:00:30.123456789"));
                assert_eq!(read("2015-05-24T10:00:30Z"), at("2015-05-24T10:00:30", 0));
                assert_eq!(read("2015-05-24T10:00:30z"), at("2015-05-24T10:00:30", 0));
                assert_eq!(read("2015-05-24T10:00:30.25+02:00"), at("2015-05-24T10:00:30.250", 7200));
                assert_eq!(read("2015-05-24 10:00:30-0500"), at("2015-05-24T10:00:30", -18000));
                assert_eq!(read("2015-05-24T10:00+05"), at("2015-05-24T10:00:00", 18000));
                for text in [
                    "yesterday",
                    "",
                    "2015-5-24",
                    "2015-05-24T",
                    "2015-05-24T10",
                    "20150524T100000Z",
                    "2015-05-24T10:00:30.",
                    "2015-05-24T10:00:30,5",
                    "2015-05-24T10:00.5",
                    "2015-05-24T10:00:30+2",
                    "2015-05-24T10:00:30+24:00",
                    "2015-05-24T10:00:30 +02:00",
                    "2015-05-24T10:00:30UTC",
                    "2015-05-24T25:00:00",
                    "2015-02-30",
                    "2015-05-24x10:00:00",
                    "2015-05-24T10:00:30Z ",
                ] {
                    assert_eq!(read(text), None, "{text:?}");
                }
            }

            #[tokio::test]
            async fn a_timestamp_in_a_form_the_document_does_not_show_decodes() {
                #[derive(Debug, Deserialize)]
                struct Stamped {
                    at: Vec<::$krate::Timestamp>,
                }
                let server = MockServer::start().await;
                let body = r#"{"at": ["2015-05-24", "2015-05-24T10:00:30", "2015-05-24 10:00:30.5+02:00"]}"#;
                Mock::given(path("/stamped")).respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json")).mount(&server).await;
                let stamped: Stamped = client(&server).request(Method::GET, "/stamped").await.unwrap();
                let offsets: Vec<Option<i32>> = stamped.at.iter().map(|t| t.offset().map(|o| o.local_minus_utc())).collect();
                assert_eq!(offsets, [None, None, Some(7200)]);
            }

            #[tokio::test]
            async fn base_url_must_be_http_with_a_host_and_no_query_or_fragment() {
                for bad in ["api.example.com", "ftp://api.example.com", "http://", "https://api.example.com/?x=1", "https://api.example.com/#"] {
                    match make_builder().base_url(bad).build() {
                        Err(Error::InvalidRequest(why)) => assert!(why.contains("base URL"), "{bad}: {why}"),
                        other => panic!("{bad}: expected Error::InvalidRequest, got {other:?}"),
                    }
                }
                assert!(make_builder().base_url("https://api.example.com/v1/").build().is_ok());
            }
        }
    };
}

shared_behaviour!(
    wealthbox_client,
    wealthbox,
    builder = || ::wealthbox::Client::builder(::wealthbox::Auth::AccessToken(SECRET.into())),
    header = "access_token",
    value = SECRET,
    resource = contacts,
    items = "contacts",
    size_param = "per_page",
    item = |n: u64| json!({"id": n, "first_name": "Kevin"}),
    bad_item = json!({"id": "not a number"})
);

shared_behaviour!(
    activecampaign_client,
    activecampaign,
    builder = || ::activecampaign::Client::builder("acme", ::activecampaign::Auth::ApiToken(SECRET.into())),
    header = "api-token",
    value = SECRET,
    resource = roles,
    items = "dealRoles",
    size_param = "limit",
    item = |n: u64| json!({"id": n.to_string(), "name": "Owner"})
);

shared_behaviour!(
    nimble_client,
    nimble,
    builder = || ::nimble::Client::builder(::nimble::Auth::Bearer(SECRET.into())),
    header = "authorization",
    value = format!("Bearer {SECRET}").as_str(),
    resource = contacts,
    items = "resources",
    size_param = "per_page",
    item = |n: u64| json!({"id": n.to_string(), "record_type": "person"}),
    bad_item = json!({"id": 5, "record_type": "person"})
);

/// The OAuth 2 tests, for a client crate whose spec has OAuth 2 (Wealthbox, Nimble;
/// ActiveCampaign has API keys only).
macro_rules! oauth_behaviour {
    ($module:ident, $krate:ident) => {
        mod $module {
            use super::*;
            use ::$krate::reqwest::Method;
            use ::$krate::{Auth, Client, Error, MemoryTokenStore, RetryPolicy, Secret, Token};

            const CLIENT_SECRET: &str = "client-secret-4567";
            const REFRESH: &str = "refresh-token-8901";
            const STALE: &str = "stale-access-token";

            fn app(token_url: String) -> ::$krate::OAuthApp {
                Client::oauth_app("app-id", CLIENT_SECRET, "https://example.com/back").token_url(token_url)
            }

            /// An expired access token, with a refresh token.
            fn expired() -> Token {
                let mut token = Token::new(STALE);
                token.refresh_token = Some(Secret::new(REFRESH));
                token.expires_at = Some(std::time::SystemTime::now() - Duration::from_secs(60));
                token
            }

            fn client(server: &MockServer, app: ::$krate::OAuthApp, timeout: Duration) -> Client {
                Client::builder(Auth::OAuth(app.session(MemoryTokenStore::new(expired()))))
                    .base_url(server.uri())
                    .timeout(Some(timeout))
                    .retry(RetryPolicy::none())
                    .build()
                    .unwrap()
            }

            fn token_answer(access: &str) -> ResponseTemplate {
                ResponseTemplate::new(200).set_body_json(json!({"access_token": access, "expires_in": 3600}))
            }

            /// Neither `Display` nor `Debug` of `error` shows a secret.
            fn shows_no_secret(error: &Error) {
                let text = format!("{error} {error:?}");
                for secret in [CLIENT_SECRET, REFRESH, STALE, "the-code"] {
                    assert!(!text.contains(secret), "{text}");
                }
            }

            async fn token_requests(server: &MockServer) -> usize {
                let requests = server.received_requests().await.unwrap_or_default();
                requests.iter().filter(|r| r.url.path() == "/oauth/token").count()
            }

            #[tokio::test]
            async fn a_token_endpoint_that_never_answers_fails_every_waiting_call_within_the_timeout() {
                let server = MockServer::start().await;
                Mock::given(path("/probe")).and(header("authorization", "Bearer fresh")).respond_with(ok_json()).mount(&server).await;
                // The first token request never gets an answer (in time); the next ones do.
                Mock::given(path("/oauth/token"))
                    .respond_with(token_answer("late").set_delay(Duration::from_secs(30)))
                    .up_to_n_times(1)
                    .mount(&server)
                    .await;
                Mock::given(path("/oauth/token")).respond_with(token_answer("fresh")).mount(&server).await;
                let client = client(&server, app(format!("{}/oauth/token", server.uri())), Duration::from_millis(500));

                let started = Instant::now();
                let calls: Vec<_> = (0..4)
                    .map(|_| {
                        let client = client.clone();
                        tokio::spawn(async move { client.request::<Value>(Method::GET, "/probe").await })
                    })
                    .collect();
                for call in calls {
                    match call.await.unwrap() {
                        Err(Error::Timeout) => {}
                        other => panic!("expected Error::Timeout, got {other:?}"),
                    }
                }
                assert!(started.elapsed() < Duration::from_millis(1500), "took {:?}", started.elapsed());
                assert_eq!(token_requests(&server).await, 1, "the waiting calls got the refresh's failure, not a turn each");

                // The lock is free again: the next call refreshes, and succeeds.
                let _: Value = client.request(Method::GET, "/probe").await.unwrap();
                assert_eq!(token_requests(&server).await, 2);
            }

            #[tokio::test]
            async fn the_token_endpoint_is_never_followed_through_a_redirect() {
                let other = MockServer::start().await;
                Mock::given(wiremock::matchers::any()).respond_with(token_answer("fresh")).mount(&other).await;
                let server = MockServer::start().await;
                Mock::given(path("/oauth/token"))
                    .respond_with(ResponseTemplate::new(307).insert_header("Location", format!("{}/oauth/token", other.uri())))
                    .mount(&server)
                    .await;
                Mock::given(path("/probe")).respond_with(ok_json()).mount(&server).await;
                // Even with an HTTP client that follows redirects.
                let follows = ::$krate::reqwest::Client::builder().redirect(::$krate::reqwest::redirect::Policy::limited(10));
                let app = app(format!("{}/oauth/token", server.uri())).http_client(follows);

                match app.refresh(&Secret::new(REFRESH)).await {
                    Err(error @ Error::Auth(_)) => {
                        assert!(error.to_string().contains("307, a redirect"), "{error}");
                        shows_no_secret(&error);
                    }
                    other => panic!("expected Error::Auth, got {other:?}"),
                }
                match client(&server, app, Duration::from_secs(5)).request::<Value>(Method::GET, "/probe").await {
                    Err(error @ Error::Auth(_)) => shows_no_secret(&error),
                    other => panic!("expected Error::Auth, got {other:?}"),
                }
                assert_eq!(requests(&other).await, 0, "the secrets went nowhere else");
            }

            #[tokio::test]
            async fn token_endpoint_errors_never_show_the_secrets() {
                let server = MockServer::start().await;
                let echo = |request: &Request| ResponseTemplate::new(400).set_body_bytes(request.body.clone());
                Mock::given(path("/echo")).respond_with(echo).mount(&server).await;
                let describe = |request: &Request| {
                    let form = String::from_utf8_lossy(&request.body).into_owned();
                    ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client", "error_description": form}))
                };
                Mock::given(path("/describe")).respond_with(describe).mount(&server).await;
                let code = ResponseTemplate::new(400).set_body_json(json!({"error": CLIENT_SECRET}));
                Mock::given(path("/code")).respond_with(code).mount(&server).await;
                let typed = json!({"access_token": "x", "expires_in": format!("{CLIENT_SECRET} {REFRESH} the-code")});
                Mock::given(path("/typed")).respond_with(ResponseTemplate::new(200).set_body_json(typed)).mount(&server).await;
                let cut = format!(r#"{{"access_token": "{CLIENT_SECRET} {REFRESH} the-code"#);
                Mock::given(path("/cut")).respond_with(ResponseTemplate::new(200).set_body_raw(cut, "application/json")).mount(&server).await;

                for (route, says) in [
                    ("/echo", "answered 400"),
                    ("/describe", "answered 401: invalid_client"),
                    ("/code", "answered 400"),
                    ("/typed", "a field has the wrong type"),
                    ("/cut", "not JSON"),
                ] {
                    let app = app(format!("{}{route}", server.uri()));
                    for result in [app.refresh(&Secret::new(REFRESH)).await, app.exchange_code("the-code").await] {
                        match result {
                            Err(error @ Error::Auth(_)) => {
                                assert!(error.to_string().contains(says), "{route}: {error}");
                                shows_no_secret(&error);
                            }
                            other => panic!("{route}: expected Error::Auth, got {other:?}"),
                        }
                    }
                }
            }

            #[test]
            fn debug_output_never_shows_oauth_secrets() {
                let app = app("https://example.com/token".into());
                let session = app.clone().session(MemoryTokenStore::new(expired()));
                let builder = Client::builder(Auth::OAuth(app.clone().session(MemoryTokenStore::new(expired()))));
                let text = format!("{app:?} {session:?} {builder:?} {:?} {:?}", builder_client(), expired());
                for secret in [CLIENT_SECRET, REFRESH, STALE] {
                    assert!(!text.contains(secret), "{text}");
                }
            }

            fn builder_client() -> Client {
                let app = app("https://example.com/token".into());
                Client::builder(Auth::OAuth(app.session(MemoryTokenStore::new(expired())))).build().unwrap()
            }
        }
    };
}

oauth_behaviour!(wealthbox_oauth, wealthbox);
oauth_behaviour!(nimble_oauth, nimble);
