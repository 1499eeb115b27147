//! What every generated client does the same way, because it comes from the one runtime
//! template: checked on each client against a local mock server (wiremock). Retries on
//! 429 (honouring `Retry-After`, in seconds or as a date) and 502/503/504, the retry bound,
//! non-idempotent requests not retried, timeouts, decode errors naming the JSON path,
//! HTML error pages, the client-side rate limit, the request to any path, and secrets kept
//! out of `Debug`. Each client's own behaviour (paging, OAuth) is tested in its own file.

use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

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

/// The tests, for one client crate. `$builder` makes a `ClientBuilder` with the secret
/// as credential; `$header` is the header that credential is sent in, and `$value` its value.
macro_rules! shared_behaviour {
    ($module:ident, $krate:ident, builder = $builder:expr, header = $header:literal, value = $value:expr) => {
        mod $module {
            use super::*;
            use ::$krate::reqwest::Method;
            use ::$krate::{Client, ClientBuilder, Error, RateLimit, RetryPolicy};

            fn builder(server: &MockServer) -> ClientBuilder {
                let make: fn() -> ClientBuilder = $builder;
                make().base_url(server.uri())
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

                let path = format!("/undocumented/{}", ::$krate::runtime::path_segment("a/b"));
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
        }
    };
}

shared_behaviour!(
    wealthbox_client,
    wealthbox,
    builder = || ::wealthbox::Client::builder(::wealthbox::Auth::AccessToken(SECRET.into())),
    header = "access_token",
    value = SECRET
);

shared_behaviour!(
    activecampaign_client,
    activecampaign,
    builder = || ::activecampaign::Client::builder("acme", ::activecampaign::Auth::ApiToken(SECRET.into())),
    header = "api-token",
    value = SECRET
);

shared_behaviour!(
    nimble_client,
    nimble,
    builder = || ::nimble::Client::builder(::nimble::Auth::Bearer(SECRET.into())),
    header = "authorization",
    value = format!("Bearer {SECRET}").as_str()
);
