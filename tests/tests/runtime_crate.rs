//! The shared runtime crate (`crm-runtime`) given each client's own facts: one program
//! using several clients gets each one's timestamp formats and error body, never another's
//! (the runtime is compiled once; only the layer that knows these facts is generic).

use std::time::Duration;

use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Wealthbox's documented format (`%Y-%m-%d %I:%M %p %z`), not ISO 8601.
const WEALTHBOX_TIME: &str = "2015-05-24 10:00 AM -0400";

#[test]
fn each_client_reads_and_writes_timestamps_in_its_own_formats() {
    // Each client's formats are read into chrono's items once, in a static of its own:
    // reading Wealthbox's first must not give ActiveCampaign (or Nimble) its formats.
    let wealthbox = wealthbox::Timestamp::parse(WEALTHBOX_TIME).expect("a documented Wealthbox format");
    assert_eq!(wealthbox.to_string(), WEALTHBOX_TIME, "written back in the format it was read in");
    assert_eq!(activecampaign::Timestamp::parse(WEALTHBOX_TIME), None, "not one of ActiveCampaign's formats");
    assert_eq!(nimble::Timestamp::parse(WEALTHBOX_TIME), None, "not one of Nimble's formats");

    // The same instant, read by each client in ISO 8601, written in each one's first format.
    let iso = "2015-05-24T10:00:00-04:00";
    let ours = activecampaign::Timestamp::parse(iso).unwrap();
    assert_eq!(ours.to_string(), iso);
    assert_eq!(ours.to_datetime(), wealthbox.to_datetime());
    let written = wealthbox::Timestamp::from(wealthbox.to_datetime().unwrap()).to_string();
    assert_eq!(written, WEALTHBOX_TIME, "Wealthbox's first format, which has an offset");
    assert_eq!(
        wealthbox::Timestamp::from_local(wealthbox.local()).to_string(),
        "2015-05-24 10:00am",
        "without an offset: Wealthbox's first format without one"
    );
}

#[tokio::test]
async fn an_api_error_body_is_decoded_into_each_clients_own_type() {
    let server = MockServer::start().await;
    // Longer than the 4 KiB `raw` keeps: the body is decoded from all of it (up to 64 KiB).
    let long = "x".repeat(6000);
    let body = serde_json::json!({"success": false, "errors": long, "message": long});
    Mock::given(path("/error")).respond_with(ResponseTemplate::new(422).set_body_json(&body)).mount(&server).await;

    let wealthbox = wealthbox::Client::builder(wealthbox::Auth::AccessToken("token".into()))
        .base_url(server.uri())
        .timeout(Some(Duration::from_secs(5)))
        .build()
        .unwrap();
    match wealthbox.request::<serde_json::Value>(wealthbox::reqwest::Method::GET, "/error").await {
        Err(wealthbox::Error::Api {
            status: 422,
            body: Some(wealthbox::models::ErrorResponse { success: Some(false), errors: Some(errors), .. }),
            raw,
        }) => {
            assert_eq!(errors, serde_json::json!(long), "the whole body decoded");
            assert!(raw.chars().count() < 4100 && raw.ends_with("..."), "raw is cut: {} chars", raw.len());
        }
        other => panic!("expected wealthbox::Error::Api with its ErrorResponse, got {other:?}"),
    }

    // ActiveCampaign documents no error body type: any JSON.
    let activecampaign = activecampaign::Client::builder("account", activecampaign::Auth::ApiToken("token".into()))
        .base_url(server.uri())
        .timeout(Some(Duration::from_secs(5)))
        .build()
        .unwrap();
    match activecampaign.request::<serde_json::Value>(activecampaign::reqwest::Method::GET, "/error").await {
        Err(activecampaign::Error::Api { status: 422, body: Some(json), .. }) => assert_eq!(json, body),
        other => panic!("expected activecampaign::Error::Api with the JSON body, got {other:?}"),
    }
}
