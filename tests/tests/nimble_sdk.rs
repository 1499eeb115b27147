//! The Nimble client's own SDK behaviour against a local mock server: walking the pages
//! of a list operation until the last page `meta.pages` announces, and OAuth 2 token
//! refresh (form-encoded, as the documentation's OAuth section says) through the token store.

use std::sync::Arc;

use nimble::futures_util::TryStreamExt;
use nimble::{Auth, Client, MemoryTokenStore, Secret, Token, TokenStore};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn contacts_page(page: u64, pages: u64, ids: &[&str]) -> ResponseTemplate {
    let resources: Vec<_> = ids.iter().map(|id| json!({"id": id, "record_type": "person"})).collect();
    ResponseTemplate::new(200).set_body_json(json!({
        "meta": {"page": page, "pages": pages, "per_page": 2, "total": 4},
        "resources": resources,
    }))
}

#[tokio::test]
async fn a_list_stream_stops_at_the_last_page_the_response_announces() {
    let server = MockServer::start().await;
    for (page, ids) in [("1", ["a", "b"]), ("2", ["c", "d"])] {
        Mock::given(method("GET"))
            .and(path("/api/v1/contacts"))
            .and(query_param("page", page))
            .and(query_param("per_page", "2"))
            .and(query_param("keyword", "smith"))
            .respond_with(contacts_page(page.parse().unwrap(), 2, &ids))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = Client::builder(Auth::Bearer("t".into())).base_url(server.uri()).build().unwrap();

    let contacts: Vec<_> =
        client.contacts().list().keyword("smith").per_page(2).stream().try_collect().await.unwrap();
    let ids: Vec<&str> = contacts.iter().map(|c| c.id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "c", "d"], "page 2 is full, but it is the last one announced: no page 3");
}

#[tokio::test]
async fn a_refused_access_token_is_refreshed_form_encoded_and_saved() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/myself"))
        .and(header("authorization", "Bearer fresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user_id": "u1", "name": "John Doe"})))
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/myself")).respond_with(ResponseTemplate::new(401)).mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "fresh", "refresh_token": "r2"})))
        .expect(1)
        .mount(&server)
        .await;

    let mut token = Token::new("stale");
    token.refresh_token = Some(Secret::new("r1"));
    let store = Arc::new(MemoryTokenStore::new(token));
    let app =
        Client::oauth_app("id", "secret", "https://example.com/cb").token_url(format!("{}/oauth/token", server.uri()));
    let client = Client::builder(Auth::OAuth(app.session(store.clone()))).base_url(server.uri()).build().unwrap();

    let me = client.myself().get().await.unwrap();
    assert_eq!(me.user_id.as_deref(), Some("u1"));
    let saved = store.load().unwrap();
    assert_eq!((saved.access_token.expose(), saved.refresh_token.as_ref().map(Secret::expose)), ("fresh", Some("r2")));
    let requests = server.received_requests().await.unwrap();
    let body =
        String::from_utf8(requests.iter().find(|r| r.url.path() == "/oauth/token").unwrap().body.clone()).unwrap();
    assert!(body.contains("grant_type=refresh_token") && body.contains("refresh_token=r1"), "{body}");
    assert!(Client::OAUTH_TOKEN_URL.starts_with("https://app.nimble.com/"));
}
