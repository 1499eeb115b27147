//! The generated Nimble client against a local mock server: each group of operations
//! (myself, contacts, notes, fields, pipelines and leads, deals and deal pipelines, deal
//! tags, messages) sends the method and path the definition behind the page gives (or,
//! for the deal tags, the overlay's settlement of the definition's `/api/2/` slip), path
//! parameters in the path, query parameters under their wire names, the JSON body, and
//! the bearer token; responses decode into the models of the page's samples typed by the
//! definition, and error bodies into `ApiError`. Every operation of the page is routed.

use nimble::models::{
    AddLostReasonToPipelineRequest, ContactsContactNoteSpec, ContactsCreateContactRequest,
    ContactsExitLeadSuccessfullyRequest, ContactsExitLeadUnsuccessfullyRequest, CreateNoteToDealRequest,
    FieldsUpdateIsPrimaryRequest, MessagesIncompleteMessageSpecification, PipelineCreateDealStageRequest,
    PreflightChecksRequest, UpdateDealsTagByNameRequest, UpdateField,
};
use nimble::{Auth, Client, Error};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

const TOKEN: &str = "nimble-token";

fn client(server: &MockServer) -> Client {
    Client::builder(Auth::Bearer(TOKEN.into())).base_url(server.uri()).build().unwrap()
}

fn expect(verb: &str, route: &str) -> MockBuilder {
    Mock::given(method(verb)).and(path(route)).and(header("authorization", format!("Bearer {TOKEN}").as_str()))
}

#[test]
fn the_base_url_is_the_host_and_paths_keep_their_version() {
    let client = Client::new(Auth::Bearer(TOKEN.into())).unwrap();
    assert_eq!(client.base_url(), "https://api.nimble.com");
    assert!(!format!("{client:?}").contains(TOKEN));
}

#[tokio::test]
async fn myself_returns_the_authenticated_user() {
    let server = MockServer::start().await;
    expect("GET", "/api/v1/myself")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user_id": "u1", "company_size": 3})))
        .expect(1)
        .mount(&server)
        .await;
    let me = client(&server).myself().get().await.unwrap();
    assert_eq!(me.user_id.as_deref(), Some("u1"));
    assert_eq!(me.company_size, Some(3));
}

#[tokio::test]
async fn contacts_list_get_create_update_and_delete() {
    let server = MockServer::start().await;
    expect("GET", "/api/v1/contacts")
        .and(query_param("keyword", "acme"))
        .and(query_param("record_type", "company"))
        .and(query_param("per_page", "50"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"meta": {"page": 1, "pages": 4, "per_page": 50, "total": 180}, "resources": [{"id": "c1"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/api/v1/contact/c%201")
        .and(query_param("fields", "first name"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"resources": []})))
        .expect(1)
        .mount(&server)
        .await;
    let fields = json!({"first name": [{"value": "Ada", "modifier": ""}]});
    expect("POST", "/api/v1/contact")
        .and(body_json(json!({"fields": fields, "record_type": "person"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "c2", "record_type": "person"})))
        .expect(1)
        .mount(&server)
        .await;
    expect("DELETE", "/api/v1/contacts")
        .and(query_param("query", "{\"tag\":{\"is\":\"old\"}}"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "ok"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let page = client.contacts().list().keyword("acme").record_type("company").per_page(50).await.unwrap();
    let meta = page.meta.unwrap();
    assert_eq!((meta.pages, meta.total), (Some(4), Some(180)), "meta tells how many pages there are");
    assert_eq!(page.resources[0].id.as_deref(), Some("c1"));
    client.contacts().get("c 1".into()).fields("first name").await.unwrap();
    let mut body = ContactsCreateContactRequest::new(fields.clone());
    body.record_type = Some("person".into());
    let created = client.contacts().create(body).await.unwrap();
    assert_eq!(created.id.as_deref(), Some("c2"));
    client.contacts().delete_by_query().query("{\"tag\":{\"is\":\"old\"}}").await.unwrap();
}

#[tokio::test]
async fn notes_go_under_contacts_and_a_contact() {
    let server = MockServer::start().await;
    let note = json!({"contact_ids": ["c1"], "note": "Met at the fair", "note_preview": "Met"});
    expect("POST", "/api/v1/contacts/notes")
        .and(body_json(&note))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "n1"})))
        .expect(1)
        .mount(&server)
        .await;
    expect("PUT", "/api/v1/contacts/notes/n1")
        .and(body_json(&note))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "n1"})))
        .expect(1)
        .mount(&server)
        .await;
    // Under `/contacts/` (the older docs said `/contact/`; the definition corrected it).
    expect("GET", "/api/v1/contacts/c1/notes")
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"meta": {"page": 2}, "resources": []})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let body = ContactsContactNoteSpec::new(vec!["c1".into()], "Met at the fair", "Met");
    let created = client.notes().create(body.clone()).await.unwrap();
    assert_eq!(created.id.as_deref(), Some("n1"), "the 201 the definition states is the success");
    client.notes().update("n1".into(), body).await.unwrap();
    client.notes().list_for_contact("c1".into()).page(2).await.unwrap();
}

#[tokio::test]
async fn fields_update_and_choice_delete_put_ids_in_the_path() {
    let server = MockServer::start().await;
    expect("PUT", "/api/v1/contacts/fields/f1")
        .and(body_json(json!({"name": "Rank"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"tabs": []})))
        .expect(1)
        .mount(&server)
        .await;
    expect("DELETE", "/api/v1/contacts/fields/f1/choices/ch9")
        .and(query_param("preflight_checks", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"tabs": []})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let body = UpdateField::new().name("Rank");
    client.fields().update("f1".into(), body).await.unwrap();
    client.fields().delete_choice("f1".into(), "ch9".into(), true).await.unwrap();
}

#[tokio::test]
async fn pipelines_leads_move_under_api_v2() {
    let server = MockServer::start().await;
    expect("POST", "/api/v2/leads/l1/p1/successful")
        .and(body_json(json!({"notes": "signed"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"avatar_url": null})))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/api/v2/deals/pipelines")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"pipelines": [{"pipeline_id": "p1"}]})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let body = ContactsExitLeadSuccessfullyRequest::new().notes("signed");
    client.pipelines().exit_lead_successfully("l1".into(), "p1".into(), body).await.unwrap();
    let pipelines = client.deals().list_pipelines().await.unwrap();
    assert_eq!(pipelines.pipelines[0].pipeline_id.as_deref(), Some("p1"));
}

#[tokio::test]
async fn deals_list_with_the_required_sort_and_get_by_id() {
    let server = MockServer::start().await;
    expect("GET", "/api/v2/deals")
        .and(query_param("sort", "created:desc"))
        .and(query_param("limit", "5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"deals": []})))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/api/v2/deals/d1")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"deal_id": "d1", "deal_number": 7})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    client.deals().list("created:desc".into()).limit(5).await.unwrap();
    let deal = client.deals().get("d1".into()).await.unwrap();
    assert_eq!(deal.deal_number, Some(7));
}

#[tokio::test]
async fn messages_create_a_draft() {
    let server = MockServer::start().await;
    expect("POST", "/api/v1/messages/drafts")
        .and(body_json(json!({"subject": "Hello"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"draft_id": "m1"})))
        .expect(1)
        .mount(&server)
        .await;
    let body = MessagesIncompleteMessageSpecification::new().subject("Hello");
    let draft = client(&server).messages().create(body).await.unwrap();
    assert_eq!(draft.draft_id.as_deref(), Some("m1"));
}

#[tokio::test]
async fn error_bodies_decode_into_api_error() {
    let server = MockServer::start().await;
    expect("PUT", "/api/v1/contact/c1")
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({
            "message": "Validation errors",
            "code": 245,
            "errors": {"first name": [{"message": "is required", "field_id": "f1"}]}
        })))
        .mount(&server)
        .await;
    expect("GET", "/api/v1/contact/gone")
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"object_type": "contact", "object_id": "gone"})))
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client.contacts().update("c1".into(), Default::default()).await.unwrap_err();
    let Error::Api { status: 409, body: Some(body), .. } = err else { panic!("{err:?}") };
    assert_eq!(body.code, Some(245));
    assert_eq!(body.errors.unwrap()["first name"][0].field_id.as_deref(), Some("f1"));
    let err = client.contacts().get("gone".into()).await.unwrap_err();
    let Error::Api { status: 404, body: Some(body), .. } = err else { panic!("{err:?}") };
    assert_eq!(body.object_type.as_deref(), Some("contact"));
}

// The operations the page's scrape left without a route, routed by the definition.

#[tokio::test]
async fn contacts_by_ids_and_the_primary_mark_of_a_field() {
    let server = MockServer::start().await;
    expect("GET", "/api/v1/contact")
        .and(query_param("id", "c1,c2"))
        .and(query_param("tags", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"resources": [{"id": "c1"}, {"id": "c2"}]})))
        .expect(1)
        .mount(&server)
        .await;
    let mark = json!({"field_id": "f1", "position": 0});
    for verb in ["PUT", "DELETE"] {
        expect(verb, "/api/v1/contact/c1/field")
            .and(body_json(&mark))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let found = client.contacts().list_by_ids("c1,c2".into()).tags(true).await.unwrap();
    assert_eq!(found.resources.len(), 2);
    client.contacts().mark_field_with_is_primary_flag("c1".into(), FieldsUpdateIsPrimaryRequest::new("f1", 0)).await.unwrap();
    client.contacts().delete_is_primary_mark_from_field("c1".into(), FieldsUpdateIsPrimaryRequest::new("f1", 0)).await.unwrap();
}

#[tokio::test]
async fn a_note_created_under_its_id_and_the_proceeding_types() {
    let server = MockServer::start().await;
    let note = json!({"contact_ids": ["c1"], "note": "Call back", "note_preview": "Call"});
    expect("POST", "/api/v1/contacts/notes/n2")
        .and(body_json(&note))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "n2"})))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/api/v1/contacts/proceedings_providers")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let spec = ContactsContactNoteSpec::new(vec!["c1".into()], "Call back", "Call");
    assert_eq!(client.contacts().create_note("n2".into(), spec).await.unwrap().id.as_deref(), Some("n2"));
    client.contacts().list_proceeding_types().await.unwrap();
}

#[tokio::test]
async fn lead_transitions_are_updated_undone_and_cleared() {
    let server = MockServer::start().await;
    expect("PUT", "/api/v2/leads/l1/p1/unsuccessful")
        .and(body_json(json!({"notes": "lost", "lost_reason": "price"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "l1"})))
        .expect(1)
        .mount(&server)
        .await;
    expect("POST", "/api/v2/leads/l1/p1/undo")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "l1"})))
        .expect(1)
        .mount(&server)
        .await;
    expect("DELETE", "/api/v2/leads/l1/p1")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "l1"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let lost = ContactsExitLeadUnsuccessfullyRequest::new().notes("lost").lost_reason("price");
    let lead = client.pipelines().update_exit_transition_with_lost_reason("l1".into(), "p1".into(), lost).await.unwrap();
    assert_eq!(lead.id.as_deref(), Some("l1"));
    client.pipelines().undo_lead_exit("l1".into(), "p1".into()).await.unwrap();
    client.pipelines().clear_lead_transitions("l1".into(), "p1".into()).await.unwrap();
}

#[tokio::test]
async fn deal_tags_go_under_api_v2_as_settled_not_the_definitions_api_2() {
    let server = MockServer::start().await;
    expect("PUT", "/api/v2/deals/tags/old")
        .and(body_json(json!({"new_tag": "new"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    expect("DELETE", "/api/v2/deals/tags/stale")
        .and(body_json(json!({"preflight_checks": true})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    client.deals().update_tag_by_name("old".into(), UpdateDealsTagByNameRequest::new("new")).await.unwrap();
    let checks = PreflightChecksRequest::new().preflight_checks(true);
    client.deals().delete_tag_by_name("stale".into(), checks).await.unwrap();
}

#[tokio::test]
async fn deal_notes_and_overdue_activities() {
    let server = MockServer::start().await;
    expect("POST", "/api/v2/deals/d1/notes")
        .and(body_json(json!({"title": "Kickoff", "body": "Agenda"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"note_id": "dn1", "title": "Kickoff"})))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/api/v2/deals/d1/overdue")
        .and(query_param("limit", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"activities": []})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let note = CreateNoteToDealRequest::new("Kickoff").body("Agenda");
    let created = client.deals().create_note("d1".into(), note).await.unwrap();
    assert_eq!(created.title.as_deref(), Some("Kickoff"));
    client.deals().list_overdue_deal_activities("d1".into()).limit(3).await.unwrap();
}

#[tokio::test]
async fn deal_pipelines_their_deals_lost_reasons_stages_and_groups() {
    let server = MockServer::start().await;
    expect("GET", "/api/v2/deals/pipelines/p1")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"pipeline_id": "p1", "name": "Sales"})))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/api/v2/deals/pipelines/p1/deals")
        .and(query_param("sort", "amount:desc"))
        .and(query_param("stage_id", "s1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"stages": []})))
        .expect(1)
        .mount(&server)
        .await;
    expect("POST", "/api/v2/deals/pipelines/p1/lost_reasons")
        .and(body_json(json!({"reason": "Too expensive"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"pipeline_id": "p1"})))
        .expect(1)
        .mount(&server)
        .await;
    // A number the definition says is a number (not an integer) is sent as one.
    expect("POST", "/api/v2/deals/pipelines/p1/stages")
        .and(body_json(json!({"name": "Negotiation", "expected_days": 5.5, "default_probability": 60.0})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"pipeline_id": "p1"})))
        .expect(1)
        .mount(&server)
        .await;
    expect("DELETE", "/api/v2/deals/pipelines/p1/groups/g1")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let pipeline = client.deals().get_pipeline("p1".into()).await.unwrap();
    assert_eq!(pipeline.name.as_deref(), Some("Sales"));
    client.deals().list_for_pipeline("p1".into(), "amount:desc".into()).stage_id("s1").await.unwrap();
    client
        .deals().add_lost_reason_to_pipeline("p1".into(), AddLostReasonToPipelineRequest::new("Too expensive"))
        .await
        .unwrap();
    let stage = PipelineCreateDealStageRequest::new().name("Negotiation").expected_days(5.5).default_probability(60.0);
    client.deals().create_stage("p1".into(), stage).await.unwrap();
    client.deals().delete_pipeline_deal_group("p1".into(), "g1".into()).await.unwrap();
}

#[tokio::test]
async fn draft_messages_are_listed_by_page() {
    let server = MockServer::start().await;
    expect("GET", "/api/v1/messages/drafts")
        .and(query_param("page", "2"))
        .and(query_param("per_page", "10"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"drafts": [{"draft_id": "m1"}], "meta": {"page": 2, "pages": 2, "per_page": 10, "total": 11}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    // The definition types the paging parameters of this list as numbers; sent as `2`.
    let page = client(&server).messages().list().page(2.0).per_page(10.0).send().await.unwrap();
    assert_eq!(page.drafts[0].draft_id.as_deref(), Some("m1"));
    assert_eq!(page.meta.unwrap().total, Some(11.0), "the definition types the totals as numbers");
}
