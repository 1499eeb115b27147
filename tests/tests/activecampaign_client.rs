//! The generated ActiveCampaign client against a local mock server: every resource sends
//! the documented method and path, query parameters under their wire names byte for byte
//! (brackets, `=`, `-`, the document's own misspelling), the `Api-Token` header and the
//! JSON body, typed by the models of the definition behind the reference pages (the exact
//! JSON each sends is checked); responses decode into the definition's models; the base
//! URL is built from the account name, which must be a host label.

use activecampaign::models::{
    CreateDeal, CreateDealStage, CreateDealTask, DealBulkUpdateCustomFieldDataRequest,
    DealBulkUpdateCustomFieldDataRequestArray, DealCreateNewTaskRequest, DealCreateStageRequest,
    DealMoveDealsToAnotherStageRequest, DealMoveDealsToAnotherStageRequestDeal, DealMoveTasksToAnotherTaskTypeRequest,
    DealMoveTasksToAnotherTaskTypeRequestDealTask, DealNewDealCreationRequest,
};
use activecampaign::{Auth, Client, Error};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "ac-secret";

fn client(server: &MockServer) -> Client {
    Client::builder("myaccount", Auth::ApiToken(TOKEN.into())).base_url(server.uri()).build().unwrap()
}

fn expect(verb: &str, route: &str) -> MockBuilder {
    Mock::given(method(verb)).and(path(route)).and(header("api-token", TOKEN))
}

/// The raw query string, as sent.
fn raw_query(server_requests: &[Request]) -> String {
    server_requests[0].url.query().unwrap_or("").to_string()
}

#[test]
fn the_base_url_is_built_from_the_account_name() {
    let client = Client::new("myaccount", Auth::ApiToken(TOKEN.into())).unwrap();
    assert_eq!(client.base_url(), "https://myaccount.api-us1.com/api/3");
    assert!(!format!("{client:?}").contains(TOKEN));
}

#[test]
fn an_account_name_that_is_not_a_host_label_is_refused() {
    let long = "a".repeat(64);
    for bad in [
        "attacker.example/#",
        "attacker.example",
        "acme/../x",
        "acme#",
        "acme?x=1",
        "acme:8080",
        "user@acme",
        "ac me",
        "",
        "-acme",
        "acme-",
        "acmé",
        long.as_str(),
    ] {
        match Client::new(bad, Auth::ApiToken(TOKEN.into())) {
            Err(Error::InvalidRequest(why)) => {
                assert!(why.contains("`account` must be a host name label"), "{bad:?}: {why}")
            }
            other => panic!("{bad:?}: expected Error::InvalidRequest, got {other:?}"),
        }
        // Not even with another base URL: the account is checked at construction.
        let builder = Client::builder(bad, Auth::ApiToken(TOKEN.into())).base_url("http://127.0.0.1:1");
        assert!(matches!(builder.build(), Err(Error::InvalidRequest(_))), "{bad:?}");
    }
    let longest = "a".repeat(63);
    for good in ["acme", "a", "Acme-2-Corp", "123", longest.as_str()] {
        let client = Client::new(good, Auth::ApiToken(TOKEN.into())).unwrap();
        assert_eq!(client.base_url(), format!("https://{good}.api-us1.com/api/3"));
    }
}

#[tokio::test]
async fn deals_list_sends_bracketed_filters_under_their_wire_names() {
    let server = MockServer::start().await;
    expect("GET", "/deals")
        .and(query_param("filters[title]", "Big"))
        .and(query_param("filters[stage]", "3"))
        .and(query_param("orders[next-action]", "ASC"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"deals": [{"id": "7", "title": "Big", "value": "100"}], "meta": {"total": 1}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let body = client(&server)
        .deals().list()
        .filters_title("Big")
        .filters_stage(3)
        .orders_next_action("ASC")
        .await
        .unwrap();
    // The page shows no response; the definition's model types it.
    let deals = body.deals;
    assert_eq!((deals[0].id.as_deref(), deals[0].value.as_deref()), (Some("7"), Some("100")));
    assert_eq!(body.meta.unwrap().total, Some(1));
    let query = raw_query(&server.received_requests().await.unwrap());
    assert_eq!(query, "filters%5Btitle%5D=Big&filters%5Bstage%5D=3&orders%5Bnext-action%5D=ASC");
}

#[tokio::test]
async fn deals_create_sends_the_typed_body_and_contact_deals_nest_under_contacts() {
    let server = MockServer::start().await;
    // Exactly the fields set: the required ones, and the optional one given.
    let deal = json!({"deal": {
        "title": "New", "description": "From the website", "value": 100, "currency": "usd",
        "group": "1", "stage": "2", "owner": "3"
    }});
    expect("POST", "/deals")
        .and(body_json(&deal))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"deal": {"id": "7"}})))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/contacts/5/deals")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"deals": []})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let new = CreateDeal::new("New", 100, "usd", "1", "2", "3").description("From the website");
    let request = DealNewDealCreationRequest::new().deal(new);
    // The definition types this response as a bare string (an example pasted in its place):
    // it stays untyped JSON.
    let created = client.deals().create(request).await.unwrap();
    assert_eq!(created["deal"]["id"], "7");
    client.deals().list_for_contact(5).await.unwrap();
}

#[tokio::test]
async fn pipelines_use_the_deal_groups_path() {
    let server = MockServer::start().await;
    expect("GET", "/dealGroups")
        .and(query_param("filters[have_stages]", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"dealGroups": []})))
        .expect(1)
        .mount(&server)
        .await;
    expect("DELETE", "/dealGroups/4")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    client.pipelines().list().filters_have_stages(1).await.unwrap();
    client.pipelines().delete(4).await.unwrap();
}

#[tokio::test]
async fn stages_send_reorder_and_move_deals() {
    let server = MockServer::start().await;
    let body = json!({"deal": {"stage": "2"}});
    expect("PUT", "/dealStages/3/deals")
        .and(body_json(&body))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    expect("POST", "/dealStages")
        .and(query_param("reorder", "1"))
        .and(body_json(json!({"dealStage": {"title": "S", "group": "4", "width": 280}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"dealStage": {"id": "9", "title": "S"}})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let to = DealMoveDealsToAnotherStageRequestDeal::new().stage("2");
    client
        .stages()
        .move_deals_in_one_stage_to_another_stage(3, DealMoveDealsToAnotherStageRequest::new().deal(to))
        .await
        .unwrap();
    let stage = CreateDealStage::new("S", "4").width(280);
    let created =
        client.stages().create(DealCreateStageRequest::new().deal_stage(stage)).reorder(1).await.unwrap();
    assert_eq!(created.deal_stage.unwrap().id.as_deref(), Some("9"));
}

#[tokio::test]
async fn tasks_keep_the_documents_misspelled_filter() {
    let server = MockServer::start().await;
    expect("GET", "/dealTasks")
        .and(query_param("Fitlers[due_before]", "2024-01-01"))
        .and(query_param("filters[due_after]", "2023-01-01"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"dealTasks": []})))
        .expect(1)
        .mount(&server)
        .await;
    let task = json!({"dealTask": {"title": "Call", "relid": 7, "duedate": "2024-01-15", "dealTasktype": 1}});
    expect("POST", "/dealTasks")
        .and(body_json(&task))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    client
        .tasks().list()
        .fitlers_due_before("2024-01-01")
        .filters_due_after("2023-01-01")
        .await
        .unwrap();
    let due = serde_json::from_value(json!("2024-01-15")).unwrap();
    let new = CreateDealTask::new(7, due, 1).title("Call");
    client.tasks().create(DealCreateNewTaskRequest::new().deal_task(new)).await.unwrap();
}

#[tokio::test]
async fn task_types_move_tasks() {
    let server = MockServer::start().await;
    let body = json!({"dealTask": {"dealTasktype": "9"}});
    expect("PUT", "/dealTasktypes/2/dealTasks")
        .and(body_json(&body))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let to = DealMoveTasksToAnotherTaskTypeRequestDealTask::new().deal_tasktype("9");
    client(&server)
        .task_types()
        .move_tasks_to_different_task_type(2, DealMoveTasksToAnotherTaskTypeRequest::new().deal_task(to))
        .await
        .unwrap();
}

#[tokio::test]
async fn custom_fields_keep_the_capital_i_of_deal_id_and_send_limit() {
    let server = MockServer::start().await;
    expect("GET", "/dealCustomFieldData")
        .and(query_param("filters[dealId]", "12"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/dealCustomFieldMeta")
        .and(query_param("limit", "50"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    expect("PATCH", "/dealCustomFieldData/bulkUpdate")
        .and(body_json(json!({"array": {"id": 5, "fieldValue": "blue"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    client.custom_fields().get_deal_custom_field_data().filters_deal_id("12").await.unwrap();
    client.custom_fields().get_deal_custom_field_meta().limit(50).await.unwrap();
    let value = DealBulkUpdateCustomFieldDataRequestArray::new(5, "blue");
    let bulk = DealBulkUpdateCustomFieldDataRequest::new().array(value);
    client.custom_fields().patch_deal_custom_field_data_bulk_update(bulk).await.unwrap();
}

#[tokio::test]
async fn secondary_contacts_and_roles() {
    let server = MockServer::start().await;
    expect("GET", "/contactDeals/8")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/contacts/5/contactDeals")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/dealRoles")
        .and(query_param("search", "Buyer"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    expect("DELETE", "/dealRoles/r1")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    client.secondary_contacts().get(8).await.unwrap();
    client.secondary_contacts().list_for_contact(5).await.unwrap();
    client.roles().list().search("Buyer").await.unwrap();
    client.roles().delete("r1".to_string()).await.unwrap();
}

#[tokio::test]
async fn activities_send_the_parameter_named_with_an_equals_sign() {
    let server = MockServer::start().await;
    expect("GET", "/dealActivities")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).activities().list().exclude_email("1").deal("3").await.unwrap();
    let query = raw_query(&server.received_requests().await.unwrap());
    // The wire name `exclude=email` is kept byte for byte (its `=` percent-encoded).
    assert_eq!(query, "exclude%3Demail=1&deal=3");
}

#[tokio::test]
async fn errors_keep_their_status_and_body() {
    let server = MockServer::start().await;
    expect("GET", "/deals/1")
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"message": "No Result found for Deal with id 1"})),
        )
        .mount(&server)
        .await;
    match client(&server).deals().get(1).await {
        Err(Error::Api { status: 404, raw, .. }) => assert!(raw.contains("No Result found")),
        other => panic!("expected an API error, got {other:?}"),
    }
}
