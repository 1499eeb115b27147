//! The ActiveCampaign client's paging against a local mock server: `limit`/`offset`
//! pages, ended by the `meta.total` the responses announce (a number for the deals, a
//! string of digits for the stages, as the definition types them and the vendor's samples
//! show them), by a short page, or by a page that is not a list. Items decode into the
//! definition's models.

use activecampaign::futures_util::TryStreamExt;
use activecampaign::{Auth, Client, Error};
use serde_json::{json, Value};

/// An item with an `id`.
trait Id {
    fn id(&self) -> Option<&str>;
}

impl Id for activecampaign::models::Deal {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}

impl Id for activecampaign::models::DealListCustomFieldMetaResponseDealCustomFieldMeta {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder("acme", Auth::ApiToken("key".into())).base_url(server.uri()).build().unwrap()
}

fn deals_page(ids: &[&str], total: u32) -> ResponseTemplate {
    let deals: Vec<Value> = ids.iter().map(|id| json!({"id": id, "title": format!("Deal {id}")})).collect();
    ResponseTemplate::new(200).set_body_json(json!({"deals": deals, "meta": {"total": total}}))
}

fn ids(items: &[impl Id]) -> Vec<&str> {
    items.iter().map(|d| d.id().unwrap()).collect()
}

#[tokio::test]
async fn a_deals_stream_walks_offsets_and_stops_at_the_announced_total() {
    let server = MockServer::start().await;
    for (offset, page) in [("0", ["1", "2"]), ("2", ["3", "4"])] {
        Mock::given(method("GET"))
            .and(path("/deals"))
            .and(query_param("offset", offset))
            .and(query_param("limit", "2"))
            .and(query_param("filters[stage]", "7"))
            .respond_with(deals_page(&page, 4))
            .expect(1)
            .mount(&server)
            .await;
    }
    // Page 2 is full, but `meta.total` says there are 4 deals: there is no third request.
    Mock::given(path("/deals"))
        .and(query_param("offset", "4"))
        .respond_with(deals_page(&[], 4))
        .expect(0)
        .mount(&server)
        .await;

    let deals: Vec<_> = client(&server).deals().list().filters_stage(7).limit(2).stream().try_collect().await.unwrap();
    assert_eq!(ids(&deals), ["1", "2", "3", "4"]);
}

#[tokio::test]
async fn a_stream_starts_at_the_offset_the_builder_sets_and_ends_on_a_short_page() {
    let server = MockServer::start().await;
    Mock::given(path("/deals"))
        .and(query_param("offset", "20"))
        .and(query_param("limit", "20"))
        .respond_with(deals_page(&["21", "22", "23"], 999))
        .expect(1)
        .mount(&server)
        .await;

    // No limit set: the documented default (20) is asked for, and 3 < 20 ends the walk
    // even though the total announces more.
    let deals = client(&server).deals().list().offset(20).all().await.unwrap();
    assert_eq!(ids(&deals), ["21", "22", "23"]);
}

#[tokio::test]
async fn a_list_without_meta_ends_on_its_short_page() {
    let server = MockServer::start().await;
    let field = |id: &str| json!({"id": id, "fieldLabel": "Label", "fieldType": "text"});
    Mock::given(path("/dealCustomFieldMeta"))
        .and(query_param("offset", "0"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"dealCustomFieldMeta": [field("1"), field("2")]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/dealCustomFieldMeta"))
        .and(query_param("offset", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"dealCustomFieldMeta": [field("3")]})))
        .expect(1)
        .mount(&server)
        .await;

    // The operation's own `limit` parameter (from the document) is the page size.
    let fields = client(&server).custom_fields().get_deal_custom_field_meta().limit(2).all().await.unwrap();
    assert_eq!(ids(&fields), ["1", "2", "3"]);
}

#[tokio::test]
async fn a_page_whose_items_are_not_a_list_is_a_decode_error_naming_the_key() {
    let server = MockServer::start().await;
    Mock::given(path("/dealRoles"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"dealRoles": {"id": "1"}, "meta": {"total": "1"}})),
        )
        .mount(&server)
        .await;

    let err = client(&server).roles().list().all().await.unwrap_err();
    match err {
        Error::Decode { status, path, .. } => {
            assert_eq!(status, 200);
            assert_eq!(path, "dealRoles");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_plain_call_fetches_one_page_with_the_paging_parameters_given() {
    let server = MockServer::start().await;
    Mock::given(path("/dealStages"))
        .and(query_param("offset", "40"))
        .and(query_param("limit", "10"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"dealStages": [{"id": "15"}], "meta": {"total": "41"}})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server).stages().list().offset(40).limit(10).send().await.unwrap();
    assert_eq!(page.meta.unwrap().total.as_deref(), Some("41"));
    assert_eq!(page.deal_stages[0].id.as_deref(), Some("15"));
}
