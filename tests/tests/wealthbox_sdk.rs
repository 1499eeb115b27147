//! The Wealthbox client's own SDK behaviour against a local mock server: walking every
//! page of a list operation (`page`/`per_page`, ending on a short page, going on past an
//! item that does not decode), and OAuth 2 (the authorize URL, the code exchange and
//! refresh, form-encoded as the documentation says; an expired or refused access token
//! refreshed once, through the user's token store).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};
use wealthbox::futures_util::{StreamExt, TryStreamExt};
use wealthbox::{Auth, Client, Error, MemoryTokenStore, Secret, Token, TokenStore};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn contacts_page(ids: std::ops::Range<i64>) -> ResponseTemplate {
    let contacts: Vec<Value> = ids.map(|id| json!({"id": id, "first_name": format!("Person {id}")})).collect();
    ResponseTemplate::new(200).set_body_json(json!({ "contacts": contacts }))
}

fn pages_asked(server_requests: &[Request]) -> Vec<(String, String)> {
    server_requests
        .iter()
        .map(|r| {
            let get =
                |key: &str| r.url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.to_string()).unwrap_or_default();
            (get("page"), get("per_page"))
        })
        .collect()
}

#[tokio::test]
async fn a_list_stream_yields_every_item_of_every_page_once() {
    let server = MockServer::start().await;
    for (page, ids) in [("1", 1..3), ("2", 3..5), ("3", 5..6)] {
        Mock::given(method("GET"))
            .and(path("/v1/contacts"))
            .and(query_param("page", page))
            .and(query_param("type", "person"))
            .respond_with(contacts_page(ids))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = Client::builder(Auth::AccessToken("t".into())).base_url(server.uri()).build().unwrap();

    let contacts = client
        .contacts().list()
        .type_(wealthbox::models::RetrieveAllContactsType::Person)
        .per_page(2)
        .all()
        .await
        .unwrap();
    let ids: Vec<i64> = contacts.iter().map(|c| c.id.unwrap()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5], "each item once, in order; the short third page ends the walk");
    let asked = pages_asked(&server.received_requests().await.unwrap());
    let expected: Vec<(String, String)> = ["1", "2", "3"].iter().map(|p| (p.to_string(), "2".to_string())).collect();
    assert_eq!(asked, expected);
}

#[tokio::test]
async fn a_list_stream_starts_at_the_page_asked_and_stops_on_an_empty_page() {
    let server = MockServer::start().await;
    Mock::given(query_param("page", "4")).respond_with(contacts_page(1..26)).mount(&server).await;
    Mock::given(query_param("page", "5")).respond_with(contacts_page(0..0)).mount(&server).await;
    let client = Client::builder(Auth::AccessToken("t".into())).base_url(server.uri()).build().unwrap();

    let count = client.contacts().list().page(4).stream().count().await;
    assert_eq!(count, 25);
    let asked = pages_asked(&server.received_requests().await.unwrap());
    assert_eq!(asked, [("4".into(), "25".into()), ("5".into(), "25".into())], "the documented default page size");
}

#[tokio::test]
async fn a_list_stream_reports_an_item_of_the_wrong_shape_and_goes_on() {
    let server = MockServer::start().await;
    Mock::given(query_param("page", "1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"contacts": [{"id": 1}, {"id": "x"}, {"id": 3}]})),
        )
        .mount(&server)
        .await;
    let client = Client::builder(Auth::AccessToken("t".into())).base_url(server.uri()).build().unwrap();

    let results: Vec<Result<_, Error>> = client.contacts().list().stream().collect().await;
    assert_eq!(results.len(), 3, "the good items on both sides of the bad one");
    match &results[1] {
        Err(Error::Decode { path, message, .. }) => {
            assert_eq!(path, "contacts[1].id");
            assert!(message.contains("list item 1, on page 1"), "{message}");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    let ids: Vec<Option<i64>> = results.iter().filter_map(|r| r.as_ref().ok()).map(|c| c.id).collect();
    assert_eq!(ids, [Some(1), Some(3)]);
    let failed = client.contacts().list().stream().try_collect::<Vec<_>>().await;
    assert!(failed.is_err(), "collecting with try_collect (or .all()) fails on the bad item");
}

const CLIENT_ID: &str = "app-id";
const CLIENT_SECRET: &str = "app-secret-987";

fn app(server: &MockServer) -> wealthbox::OAuthApp {
    Client::oauth_app(CLIENT_ID, CLIENT_SECRET, "https://example.com/back?x=1")
        .token_url(format!("{}/oauth/token", server.uri()))
}

fn form(request: &Request) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> =
        url_pairs(std::str::from_utf8(&request.body).expect("a form body is text")).collect();
    pairs.sort();
    pairs
}

fn url_pairs(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    let url = wealthbox::reqwest::Url::parse(&format!("http://x/?{text}")).unwrap();
    url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect::<Vec<_>>().into_iter()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    pairs.sort();
    pairs
}

#[test]
fn the_authorize_url_carries_the_app_scopes_and_state() {
    let url = Client::oauth_app(CLIENT_ID, CLIENT_SECRET, "https://example.com/back?x=1")
        .authorize_url(&["login", "data"], "st&te")
        .unwrap();
    assert!(url.starts_with(&format!("{}?", Client::OAUTH_AUTHORIZE_URL)), "{url}");
    let query = url.split_once('?').unwrap().1;
    let mut got: Vec<(String, String)> = url_pairs(query).collect();
    got.sort();
    assert_eq!(
        got,
        pairs(&[
            ("client_id", CLIENT_ID),
            ("redirect_uri", "https://example.com/back?x=1"),
            ("response_type", "code"),
            ("scope", "login data"),
            ("state", "st&te"),
        ])
    );
    assert!(!url.contains(CLIENT_SECRET), "the secret stays out of the URL");
    assert_eq!(Client::OAUTH_SCOPES, ["login", "data"]);
}

#[tokio::test]
async fn a_code_is_exchanged_form_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "access-1", "token_type": "bearer", "expires_in": 7200,
            "refresh_token": "refresh-1", "scope": "login data"
        })))
        .expect(1)
        .mount(&server)
        .await;

    let token = app(&server).exchange_code("the-code").await.unwrap();
    assert_eq!(token.access_token.expose(), "access-1");
    assert_eq!(token.refresh_token.as_ref().map(Secret::expose), Some("refresh-1"));
    assert_eq!(token.scope.as_deref(), Some("login data"));
    assert!(token.expires_within(Duration::from_secs(7201)) && !token.expires_within(Duration::from_secs(7000)));
    assert!(!format!("{token:?}").contains("access-1"), "{token:?}");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        form(&requests[0]),
        pairs(&[
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("code", "the-code"),
            ("grant_type", "authorization_code"),
            ("redirect_uri", "https://example.com/back?x=1"),
        ])
    );
}

#[tokio::test]
async fn a_refused_token_request_is_an_auth_error_without_secrets() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .mount(&server)
        .await;
    match app(&server).refresh(&Secret::new("refresh-old")).await {
        Err(Error::Auth(why)) => {
            assert!(why.contains("400") && why.contains("invalid_grant"), "{why}");
            assert!(!why.contains("refresh-old") && !why.contains(CLIENT_SECRET), "{why}");
        }
        other => panic!("expected Error::Auth, got {other:?}"),
    }
}

/// A mock API that accepts only `Bearer {good}`, and a token endpoint that trades
/// `refresh-1` for `good`.
async fn oauth_server(good: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/v1/me"))
        .and(header("authorization", format!("Bearer {good}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1})))
        .mount(&server)
        .await;
    Mock::given(path("/v1/me"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"success": false, "errors": "expired"})))
        .mount(&server)
        .await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": good, "expires_in": 7200})))
        .mount(&server)
        .await;
    server
}

async fn token_requests(server: &MockServer) -> Vec<Vec<(String, String)>> {
    let requests = server.received_requests().await.unwrap();
    requests.iter().filter(|r| r.url.path() == "/oauth/token").map(form).collect()
}

fn oauth_client(server: &MockServer, store: Arc<MemoryTokenStore>) -> Client {
    Client::builder(Auth::OAuth(app(server).session(store))).base_url(server.uri()).build().unwrap()
}

#[tokio::test]
async fn an_access_token_the_api_refuses_is_refreshed_once_and_the_call_sent_again() {
    let server = oauth_server("access-2").await;
    let mut token = Token::new("access-1");
    token.refresh_token = Some(Secret::new("refresh-1"));
    let store = Arc::new(MemoryTokenStore::new(token));
    let client = oauth_client(&server, store.clone());

    let me = client.me().get().await.unwrap();
    assert_eq!(me.id, Some(1));
    let refreshes = token_requests(&server).await;
    assert_eq!(
        refreshes,
        [pairs(&[
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("grant_type", "refresh_token"),
            ("refresh_token", "refresh-1")
        ])]
    );
    let saved = store.load().unwrap();
    assert_eq!(saved.access_token.expose(), "access-2");
    assert_eq!(saved.refresh_token.as_ref().map(Secret::expose), Some("refresh-1"), "the refresh token is kept");

    // The new token is used from now on: no more refreshes.
    client.me().get().await.unwrap();
    assert_eq!(token_requests(&server).await.len(), 1);
    assert!(!format!("{client:?}").contains("access-2") && !format!("{client:?}").contains(CLIENT_SECRET));
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_before_the_call() {
    let server = oauth_server("access-2").await;
    let mut token = Token::new("access-1");
    token.refresh_token = Some(Secret::new("refresh-1"));
    token.expires_at = Some(SystemTime::now() - Duration::from_secs(60));
    let store = Arc::new(MemoryTokenStore::new(token));

    oauth_client(&server, store.clone()).me().get().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(paths, ["/oauth/token", "/v1/me"], "refreshed first, so the API never saw the old token");
}

#[tokio::test]
async fn a_token_refused_again_after_the_refresh_is_an_api_error() {
    // The token endpoint hands out a token the API also refuses.
    let server = oauth_server("never-this-one").await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "access-2"})))
        .with_priority(1)
        .mount(&server)
        .await;
    let mut token = Token::new("access-1");
    token.refresh_token = Some(Secret::new("refresh-1"));
    let client = oauth_client(&server, Arc::new(MemoryTokenStore::new(token)));

    match client.me().get().await {
        Err(Error::Api { status: 401, .. }) => {}
        other => panic!("expected Error::Api 401, got {other:?}"),
    }
    assert_eq!(token_requests(&server).await.len(), 1, "refreshed once only");
}

#[tokio::test]
async fn without_a_refresh_token_a_refused_token_is_an_auth_error() {
    let server = oauth_server("access-2").await;
    let client = oauth_client(&server, Arc::new(MemoryTokenStore::new(Token::new("access-1"))));
    match client.me().get().await {
        Err(Error::Auth(why)) => assert!(why.contains("no refresh token"), "{why}"),
        other => panic!("expected Error::Auth, got {other:?}"),
    }
    let empty = Client::builder(Auth::OAuth(app(&server).session(MemoryTokenStore::default())))
        .base_url(server.uri())
        .build()
        .unwrap();
    match empty.me().get().await {
        Err(Error::Auth(why)) => assert!(why.contains("no token"), "{why}"),
        other => panic!("expected Error::Auth, got {other:?}"),
    }
}

#[tokio::test]
async fn concurrent_calls_with_an_expired_token_refresh_it_once() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/me"))
        .and(header("authorization", "Bearer access-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1})))
        .mount(&server)
        .await;
    // A slow token endpoint, so that every call finds the token expired.
    Mock::given(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "access-2", "expires_in": 7200}))
                .set_delay(Duration::from_millis(200)),
        )
        .mount(&server)
        .await;
    let mut token = Token::new("access-1");
    token.refresh_token = Some(Secret::new("refresh-1"));
    token.expires_at = Some(SystemTime::now());
    let client = oauth_client(&server, Arc::new(MemoryTokenStore::new(token)));

    let calls = (0..5).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.me().get().await.map(|me| me.id) })
    });
    for call in calls.collect::<Vec<_>>() {
        assert_eq!(call.await.unwrap().unwrap(), Some(1));
    }
    assert_eq!(token_requests(&server).await.len(), 1);
}
