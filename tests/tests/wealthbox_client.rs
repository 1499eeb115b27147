//! The generated Wealthbox client against a local mock server (wiremock, bound to
//! 127.0.0.1): each call sends the documented method, path, query string, credentials and
//! JSON body, and decodes the documentation's own example response. Also the error
//! paths: the vendor's error body, rate limiting, non-JSON error pages, bodies of the
//! wrong shape, timeouts, and secrets kept out of `Debug` output.

use std::time::Duration;

use serde_json::{json, Value};
use wealthbox::models::{
    AddMemberToHouseholdRequest, Amount, AmountKind, CompleteWorkflowStepRequest, ContactRoleValueRequest, ContactType,
    CreateContact, CreateEvent, CreateNote, CreateOpportunity,
    CreateProject, CreateTask,
    TaskPriority, CreateWorkflow, CustomFieldConfigDocumentType, Document,
    EmailAddressRequest, ErrorResponse, EventState, HouseholdRequest, HouseholdTitle,
    ListAllCustomFieldsRequest, ListAllMembersOfCustomizableCategoryType, ListAllTagsDocumentType,
    RetrieveAllContactsHouseholdTitle, RetrieveAllContactsOrder, RetrieveAllContactsType, RetrieveAllEventsOrder,
    RetrieveAllNotesOrder, RetrieveAllOpportunitiesOrder, RetrieveAllWorkflowsStatus, RevertWorkflowStepRequest,
    UpdateContact, UpdateEvent, UpdateNote, UpdateProject,
};
use wealthbox::{Auth, Client, Error, RetryPolicy, Timestamp};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "secret-token";

/// The documentation's example response of an operation (`tests/fixtures/wealthbox/`).
macro_rules! example {
    ($operation:literal) => {
        include_str!(concat!("../fixtures/wealthbox/", $operation, ".200.json"))
    };
}

/// The documentation's example request body of an operation, as JSON.
macro_rules! example_request {
    ($operation:literal) => {
        serde_json::from_str::<Value>(include_str!(concat!("../fixtures/wealthbox/", $operation, ".request.json")))
            .expect("the example request is JSON")
    };
}

/// A client of the mock server, retrying as by default but without waiting long.
fn client(server: &MockServer) -> Client {
    Client::builder(Auth::AccessToken(TOKEN.into()))
        .base_url(server.uri())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

/// A mock of `verb route` that also requires the access-token credential, and no other.
fn expect_call(verb: &str, route: &str) -> MockBuilder {
    Mock::given(method(verb))
        .and(path(route))
        .and(header("access_token", TOKEN))
        .and(header_is_missing("authorization"))
}

/// A GET (or DELETE) without a body: also requires an empty body.
fn expect_bodyless(verb: &str, route: &str) -> MockBuilder {
    expect_call(verb, route).and(|r: &Request| r.body.is_empty())
}

/// A request with a JSON body: requires the content type and exactly `body` (so a key
/// the caller left `None` must be absent, not `null`).
fn expect_json(verb: &str, route: &str, body: Value) -> MockBuilder {
    expect_call(verb, route).and(header("content-type", "application/json")).and(body_json(body))
}

fn header_is_missing(name: &'static str) -> impl Fn(&Request) -> bool + Send + Sync + 'static {
    move |r: &Request| !r.headers.contains_key(name)
}

/// The query string holds exactly these pairs: no other key, values of a repeated key in
/// this order (keys themselves may come in any order).
fn query_is(expected: &[(&str, &str)]) -> impl Fn(&Request) -> bool + Send + Sync + 'static {
    let mut expected: Vec<(String, String)> = expected.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    move |r: &Request| {
        let mut actual: Vec<(String, String)> =
            r.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        actual.sort_by(|a, b| a.0.cmp(&b.0));
        actual == expected
    }
}

/// No query string at all (not even a bare `?`).
fn no_query(r: &Request) -> bool {
    r.url.query().is_none()
}

fn json_200(body: &'static str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/json")
}

/// The call's result, or a panic that lists what the server received.
async fn ok<T>(server: &MockServer, result: Result<T, Error>) -> T {
    match result {
        Ok(value) => value,
        Err(error) => {
            let received: Vec<String> =
                server.received_requests().await.unwrap_or_default().iter().map(describe).collect();
            panic!("the call failed: {error:?}\nrequests received:\n{}", received.join("\n"))
        }
    }
}

/// A received request, for failure messages: method, URL, header names, body.
fn describe(r: &Request) -> String {
    let headers: Vec<&str> = r.headers.keys().map(|k| k.as_str()).collect();
    format!("{} {} headers={headers:?} body={}", r.method, r.url, String::from_utf8_lossy(&r.body))
}

/// The JSON body of the one request the server received.
async fn sent_body(server: &MockServer) -> Value {
    let requests = server.received_requests().await.expect("request recording is on");
    assert_eq!(requests.len(), 1, "exactly one request");
    serde_json::from_slice(&requests[0].body).expect("the body is JSON")
}

/// No `null` anywhere in a request body: optional inputs left `None` are not sent.
fn assert_no_nulls(value: &Value, at: &str) {
    match value {
        Value::Null => panic!("`{at}` is sent as null"),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| assert_no_nulls(v, &format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().for_each(|(k, v)| assert_no_nulls(v, &format!("{at}.{k}"))),
        _ => {}
    }
}

fn timestamp(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap_or_else(|| panic!("{text:?} is in a documented format"))
}

// ---------------------------------------------------------------------------------------
// contacts
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn contacts_list_sends_every_filter_and_decodes_the_example() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/contacts")
        .and(header("accept", "application/json"))
        .and(query_param("contactType", "Client"))
        .and(query_param("name", "Kevin Anderson"))
        .and(query_param("email", "kevin@example.com"))
        .and(query_param("active", "true"))
        .and(query_param("deleted", "false"))
        .and(query_param("tags", "a"))
        .and(query_param("tags", "b"))
        .and(query_param("householdTitle", "Other Dependent"))
        .and(query_param("type", "person"))
        .and(query_param("order", "recent"))
        .and(query_param("page", "2"))
        .and(query_param("per_page", "50"))
        .and(query_is(&[
            ("contactType", "Client"),
            ("name", "Kevin Anderson"),
            ("email", "kevin@example.com"),
            ("active", "true"),
            ("deleted", "false"),
            ("tags", "a"),
            ("tags", "b"),
            ("householdTitle", "Other Dependent"),
            ("type", "person"),
            ("order", "recent"),
            ("page", "2"),
            ("per_page", "50"),
        ]))
        // An array is sent as repeated keys, not `tags=a,b` nor `tags[]=a`.
        .and(|r: &Request| r.url.query().is_some_and(|q| q.contains("tags=a&tags=b")))
        .respond_with(json_200(example!("retrieve_all_contacts")))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server)
        .contacts().list()
        .contact_type("Client")
        .name("Kevin Anderson")
        .email("kevin@example.com")
        .active(true)
        .deleted(false)
        .tags(["a", "b"])
        .household_title(RetrieveAllContactsHouseholdTitle::OtherDependent)
        .type_(RetrieveAllContactsType::Person)
        .order(RetrieveAllContactsOrder::Recent)
        .page(2)
        .per_page(50)
        .await;
    let page = ok(&server, page).await;

    let contacts = page.contacts;
    assert_eq!(contacts.len(), 1);
    let kevin = &contacts[0];
    assert_eq!(kevin.id, Some(1));
    assert_eq!(kevin.first_name.as_deref(), Some("Kevin"));
    assert_eq!(kevin.last_name.as_deref(), Some("Anderson"));
    assert_eq!(kevin.type_, Some(ContactType::Person));
    // `2015-05-24 10:00 AM -0400`: local time and offset kept, written back as read.
    let created_at = kevin.created_at.expect("created_at");
    assert_eq!(created_at.local().to_string(), "2015-05-24 10:00:00");
    assert_eq!(created_at.offset().map(|o| o.local_minus_utc()), Some(-4 * 3600));
    assert_eq!(created_at.to_datetime().map(|t| t.to_rfc3339()).as_deref(), Some("2015-05-24T10:00:00-04:00"));
    assert_eq!(created_at.to_string(), "2015-05-24 10:00 AM -0400");
    assert_eq!(kevin.updated_at.map(|t| t.local().to_string()).as_deref(), Some("2015-10-12 23:30:00"));
    assert_eq!(kevin.birth_date.map(|d| d.to_string()).as_deref(), Some("1975-10-27"));
    let emails = &kevin.email_addresses;
    assert_eq!(emails[0].address.as_deref(), Some("kevin.anderson@example.com"));
}

#[tokio::test]
async fn contacts_list_without_filters_sends_no_query_string() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/contacts")
        .and(no_query)
        .respond_with(json_200(example!("retrieve_all_contacts")))
        .expect(1)
        .mount(&server)
        .await;

    let page = ok(&server, client(&server).contacts().list().send().await).await;
    assert_eq!(page.contacts.len(), 1);
}

#[tokio::test]
async fn contacts_create_sends_only_the_fields_that_are_set() {
    let server = MockServer::start().await;
    let expected = json!({
        "first_name": "Kevin",
        "last_name": "Anderson",
        "birth_date": "1975-10-27",
        "type": "Person",
        "household": {"name": "The Anderson's", "title": "Head"},
        "tags": ["Clients"],
        "email_addresses": [{"address": "kevin.anderson@example.com", "principal": true}]
    });
    expect_json("POST", "/v1/contacts", expected.clone())
        .and(no_query)
        .respond_with(json_200(example!("create_new_contact")))
        .expect(1)
        .mount(&server)
        .await;

    let mut body = CreateContact::new("Kevin", "Anderson");
    body.birth_date = Some("1975-10-27".parse().unwrap());
    body.type_ = Some(ContactType::Person);
    body.household =
        Some(HouseholdRequest::new().name("The Anderson's").title(HouseholdTitle::Head));
    body.tags = Some(vec!["Clients".into()]);
    let mut email = EmailAddressRequest::new("kevin.anderson@example.com");
    email.principal = Some(true);
    body.email_addresses = Some(vec![email]);
    let created = ok(&server, client(&server).contacts().create(body).await).await;

    assert_eq!(created.id, Some(1));
    assert_eq!(created.first_name.as_deref(), Some("Kevin"));
    let sent = sent_body(&server).await;
    assert_eq!(sent, expected);
    assert_no_nulls(&sent, "body");
    let sent = sent.as_object().unwrap();
    for unset in
        ["prefix", "middle_name", "nickname", "company_name", "gender", "status", "custom_fields", "visible_to"]
    {
        assert!(!sent.contains_key(unset), "`{unset}` was None but is sent");
    }
    assert!(!sent["email_addresses"][0].as_object().unwrap().contains_key("kind"));
}

#[tokio::test]
async fn contacts_create_sends_the_documentation_example_unchanged() {
    let server = MockServer::start().await;
    let example = example_request!("create_new_contact");
    expect_json("POST", "/v1/contacts", example.clone())
        .respond_with(json_200(example!("create_new_contact")))
        .expect(1)
        .mount(&server)
        .await;

    let body: CreateContact = serde_json::from_value(example).expect("the example decodes");
    let created = ok(&server, client(&server).contacts().create(body).await).await;
    assert_eq!(created.last_name.as_deref(), Some("Anderson"));
}

#[tokio::test]
async fn contacts_fetch_puts_the_id_in_the_path() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/contacts/42")
        .and(no_query)
        .respond_with(json_200(example!("fetch_existing_contact")))
        .expect(1)
        .mount(&server)
        .await;

    let contact = ok(&server, client(&server).contacts().get(42).await).await;
    assert_eq!(contact.first_name.as_deref(), Some("Kevin"));
    assert_eq!(contact.occupation.and_then(|o| o.name).as_deref(), Some("CEO"));
}

#[tokio::test]
async fn contacts_update_sends_only_the_changed_fields() {
    let server = MockServer::start().await;
    let expected = json!({"nickname": "Kev", "contact_roles": [{"id": 1, "value": 3}]});
    expect_json("PUT", "/v1/contacts/42", expected.clone())
        .and(no_query)
        .respond_with(json_200(example!("update_existing_contact")))
        .expect(1)
        .mount(&server)
        .await;

    let update = UpdateContact::new().nickname("Kev").contact_roles([ContactRoleValueRequest::new(1, 3)]);
    let updated = ok(&server, client(&server).contacts().update(42, update).await).await;
    assert_eq!(updated.nickname.as_deref(), Some("Kev"));
    let sent = sent_body(&server).await;
    assert_eq!(sent, expected);
    assert!(!sent.as_object().unwrap().contains_key("company_name"), "`company_name` was None but is sent");
}

#[tokio::test]
async fn contacts_delete_sends_a_bodyless_delete() {
    let server = MockServer::start().await;
    expect_bodyless("DELETE", "/v1/contacts/42")
        .and(no_query)
        .respond_with(json_200(example!("delete_existing_contact")))
        .expect(1)
        .mount(&server)
        .await;

    let deleted = ok(&server, client(&server).contacts().delete(42).await).await;
    assert_eq!(deleted.id, Some(1));
}

// ---------------------------------------------------------------------------------------
// activity
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn activity_stream_sends_contact_and_cursor() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/activity")
        // `contact` is typed f64: a whole number must still be sent as `7`, not `7.0`.
        .and(query_param("contact", "7"))
        .and(query_param("cursor", "abc=="))
        .and(query_param("per_page", "10"))
        .and(query_is(&[("contact", "7"), ("cursor", "abc=="), ("per_page", "10")]))
        .respond_with(json_200(example!("retrieve_activity_stream")))
        .expect(1)
        .mount(&server)
        .await;

    let stream =
        ok(&server, client(&server).activity().list().contact(7).cursor("abc==").per_page(10).await).await;
    let items = stream.stream_items;
    assert_eq!(items[0].body.as_deref(), Some("Spoke with Kevin Anderson on the phone..."));
    let linked = items[0].linked_to.as_ref().expect("linked_to");
    assert_eq!((linked.id, linked.type_.as_str()), (1, "Contact"));
}

// ---------------------------------------------------------------------------------------
// categories
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn categories_tags_send_the_document_type() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/categories/tags")
        .and(query_param("document_type", "Contact"))
        .and(query_param("page", "1"))
        .and(query_is(&[("document_type", "Contact"), ("page", "1")]))
        .respond_with(json_200(example!("list_all_tags")))
        .expect(1)
        .mount(&server)
        .await;

    let tags =
        ok(&server, client(&server).categories().list_tags().document_type(ListAllTagsDocumentType::Contact).page(1).await)
            .await
            .tags
            ;
    assert_eq!(tags[0].name.as_deref(), Some("Tag Name"));
    assert_eq!(tags[0].document_type.as_deref(), Some("Note"));
}

#[tokio::test]
async fn categories_members_put_the_category_type_in_the_path() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/categories/opportunity_stages")
        .and(query_param("page", "3"))
        .and(query_is(&[("page", "3")]))
        .respond_with(json_200(example!("list_all_members_of_customizable_category")))
        .expect(1)
        .mount(&server)
        .await;

    let members = ok(
        &server,
        client(&server)
            .categories().list(ListAllMembersOfCustomizableCategoryType::OpportunityStages)
            .page(3)
            .await,
    )
    .await;
    assert_eq!(members.tags[0].name.as_deref(), Some("Kevin Anderson"));
}

#[tokio::test]
async fn categories_undocumented_type_is_percent_encoded_in_the_path() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/categories/custom%20types%2Fx")
        .respond_with(json_200(example!("list_all_members_of_customizable_category")))
        .expect(1)
        .mount(&server)
        .await;

    let kind = ListAllMembersOfCustomizableCategoryType::from("custom types/x");
    ok(&server, client(&server).categories().list(kind).await).await;
}

#[tokio::test]
async fn categories_custom_fields_send_the_documented_get_body() {
    // The documentation gives this GET a request body (a gap the spec records); the
    // client sends it as documented.
    let server = MockServer::start().await;
    expect_json("GET", "/v1/categories/custom_fields", json!({"document_type": "Contact"}))
        .and(query_is(&[("per_page", "100")]))
        .respond_with(json_200(example!("list_all_custom_fields")))
        .expect(1)
        .mount(&server)
        .await;

    let body = ListAllCustomFieldsRequest::new().document_type(CustomFieldConfigDocumentType::Contact);
    let fields = ok(&server, client(&server).categories().list_custom_fields(body).per_page(100).await).await;
    let fields = fields.custom_fields;
    assert_eq!(fields[0].name.as_deref(), Some("My Field"));
    assert_eq!(fields[0].options[0].label.as_deref(), Some("Option one"));
}

#[tokio::test]
async fn categories_contact_roles_decode_an_rfc3339_timestamp() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/categories/contact_roles")
        .and(no_query)
        .respond_with(json_200(example!("list_all_contact_roles")))
        .expect(1)
        .mount(&server)
        .await;

    let roles = ok(&server, client(&server).categories().list_contact_roles().await).await.contact_roles;
    assert_eq!(roles[0].name.as_deref(), Some("Planning Advisor"));
    // `2022-06-30T00:00:00.000000+00:00`
    let deleted_at = roles[0].removed_options[0].deleted_at.expect("deleted_at");
    assert_eq!(deleted_at.local().to_string(), "2022-06-30 00:00:00");
    assert_eq!(deleted_at.offset().map(|o| o.local_minus_utc()), Some(0));
}

// ---------------------------------------------------------------------------------------
// comments
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn comments_list_sends_the_resource_filter() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/comments")
        .and(query_param("resource_id", "1"))
        .and(query_param("resource_type", "Task"))
        .and(query_param("per_page", "25"))
        .and(query_is(&[("resource_id", "1"), ("resource_type", "Task"), ("per_page", "25")]))
        .respond_with(json_200(example!("retrieve_all_comments")))
        .expect(1)
        .mount(&server)
        .await;

    let comments =
        ok(&server, client(&server).comments().list().resource_id(1).resource_type("Task").per_page(25).await)
            .await
            .comments
            ;
    let body = comments[0].body.as_ref().expect("body");
    assert_eq!(body.text.as_deref(), Some("This is the body of the comment"));
    assert_eq!(comments[0].resource_type.as_deref(), Some("Task"));
}

// ---------------------------------------------------------------------------------------
// events
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn events_list_sends_the_date_range_and_order() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/events")
        .and(query_param("resource_id", "1"))
        .and(query_param("resource_type", "Contact"))
        // Documented as `startDateMin` / `startDateMax` (camelCase, unlike the other filters).
        .and(query_param("startDateMin", "2015-05-01"))
        .and(query_param("startDateMax", "2015-06-01"))
        .and(query_param("order", "asc"))
        .and(query_is(&[
            ("resource_id", "1"),
            ("resource_type", "Contact"),
            ("startDateMin", "2015-05-01"),
            ("startDateMax", "2015-06-01"),
            ("order", "asc"),
        ]))
        .respond_with(json_200(example!("retrieve_all_events")))
        .expect(1)
        .mount(&server)
        .await;

    let events = ok(
        &server,
        client(&server)
            .events().list()
            .resource_id(1)
            .resource_type("Contact")
            .start_date_min("2015-05-01")
            .start_date_max("2015-06-01")
            .order(RetrieveAllEventsOrder::Asc)
            .await,
    )
    .await
    .events
    ;
    assert_eq!(events[0].title.as_deref(), Some("Client Meeting"));
    assert_eq!(events[0].state, Some(EventState::from("unconfirmed")));
    assert_eq!(events[0].starts_at.map(|t| t.local().to_string()).as_deref(), Some("2015-05-24 10:00:00"));
}

#[tokio::test]
async fn events_create_writes_timestamps_in_the_documented_format() {
    let server = MockServer::start().await;
    let expected = json!({
        "title": "Client Meeting",
        "starts_at": "2015-05-24 10:00 AM -0400",
        "ends_at": "2015-05-24 11:00 AM -0400",
        "location": "Conference Room"
    });
    expect_json("POST", "/v1/events", expected)
        .respond_with(json_200(example!("create_new_event")))
        .expect(1)
        .mount(&server)
        .await;

    let mut body = CreateEvent::new(
        "Client Meeting",
        timestamp("2015-05-24 10:00 AM -0400"),
        timestamp("2015-05-24 11:00 AM -0400"),
    );
    body.location = Some("Conference Room".into());
    let event = ok(&server, client(&server).events().create(body).await).await;
    assert_eq!(event.id, Some(1));
    assert_no_nulls(&sent_body(&server).await, "body");
}

#[tokio::test]
async fn events_create_sends_the_documentation_example_unchanged() {
    let server = MockServer::start().await;
    let example = example_request!("create_new_event");
    expect_json("POST", "/v1/events", example.clone())
        .respond_with(json_200(example!("create_new_event")))
        .expect(1)
        .mount(&server)
        .await;

    let body: CreateEvent = serde_json::from_value(example).expect("the example decodes");
    ok(&server, client(&server).events().create(body).await).await;
}

#[tokio::test]
async fn events_update_and_delete() {
    let server = MockServer::start().await;
    expect_json(
        "PUT",
        "/v1/events/9",
        json!({"title": "Moved", "starts_at": "2015-05-25 10:00 AM -0400", "ends_at": "2015-05-25 11:00 AM -0400", "all_day": false}),
    )
    .respond_with(json_200(example!("update_existing_event")))
    .expect(1)
    .mount(&server)
    .await;
    expect_bodyless("DELETE", "/v1/events/9")
        .and(no_query)
        .respond_with(json_200(example!("delete_event")))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let mut update = UpdateEvent::new(
        "Moved",
        timestamp("2015-05-25 10:00 AM -0400"),
        timestamp("2015-05-25 11:00 AM -0400"),
    );
    update.all_day = Some(false);
    ok(&server, client.events().update(9, update).await).await;
    let deleted = ok(&server, client.events().delete(9).await).await;
    assert_eq!(deleted.title.as_deref(), Some("Client Meeting"));
}

// ---------------------------------------------------------------------------------------
// households
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn households_add_member_posts_to_the_household() {
    let server = MockServer::start().await;
    expect_json("POST", "/v1/households/5/members", json!({"id": 2, "title": "Head"}))
        .and(no_query)
        .respond_with(json_200(example!("add_member_to_household")))
        .expect(1)
        .mount(&server)
        .await;

    let household = ok(
        &server,
        client(&server)
            .households().add_member(5, AddMemberToHouseholdRequest::new(2, HouseholdTitle::Head))
            .await,
    )
    .await;
    let members = household.members;
    assert_eq!(members[0].first_name.as_deref(), Some("Kevin"));
    assert_eq!(members[0].title.as_deref(), Some("Head"));
}

#[tokio::test]
async fn households_delete_member_puts_both_ids_in_the_path() {
    let server = MockServer::start().await;
    expect_bodyless("DELETE", "/v1/households/5/members/2")
        .and(no_query)
        .respond_with(json_200(example!("delete_member_from_household")))
        .expect(1)
        .mount(&server)
        .await;

    let household = ok(&server, client(&server).households().delete_member(5, 2).await).await;
    assert_eq!(household.id, Some(1));
}

// ---------------------------------------------------------------------------------------
// me (and the bearer form of authentication)
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn me_with_a_bearer_token_sends_the_authorization_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .and(header("authorization", "Bearer secret-token"))
        .and(header_is_missing("access_token"))
        .and(no_query)
        .respond_with(json_200(example!("retrieve_login_profile_information")))
        .expect(1)
        .mount(&server)
        .await;

    let client = Client::builder(Auth::Bearer(TOKEN.into())).base_url(server.uri()).build().unwrap();
    let me = ok(&server, client.me().get().await).await;
    assert_eq!(me.email.as_deref(), Some("bill@example.com"));
    assert_eq!(me.current_user.and_then(|u| u.name).as_deref(), Some("Bill Jones"));
    assert_eq!(me.accounts[0].name.as_deref(), Some("ABC Financial"));
    assert_eq!(me.created_at.and_then(|t| t.offset()).map(|o| o.local_minus_utc()), Some(-5 * 3600));
}

#[tokio::test]
async fn me_with_an_access_token_sends_the_access_token_header() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/me")
        .respond_with(json_200(example!("retrieve_login_profile_information")))
        .expect(1)
        .mount(&server)
        .await;

    let me = ok(&server, client(&server).me().get().await).await;
    assert_eq!(me.plan.as_deref(), Some("premier"));
}

// ---------------------------------------------------------------------------------------
// notes
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn notes_list_sends_the_filters() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/notes")
        .and(query_param("resource_id", "1"))
        .and(query_param("resource_type", "Contact"))
        .and(query_param("order", "created"))
        .and(query_is(&[("resource_id", "1"), ("resource_type", "Contact"), ("order", "created")]))
        .respond_with(json_200(example!("retrieve_all_notes")))
        .expect(1)
        .mount(&server)
        .await;

    let notes = ok(
        &server,
        client(&server)
            .notes().list()
            .resource_id(1)
            .resource_type("Contact")
            .order(RetrieveAllNotesOrder::Created)
            .await,
    )
    .await
    .notes
    ;
    assert_eq!(notes[0].content.as_deref(), Some("Spoke with Kevin Anderson on the phone..."));
    assert_eq!(notes[0].tags[0].name.as_deref(), Some("Clients"));
}

#[tokio::test]
async fn notes_create_fetch_and_update() {
    let server = MockServer::start().await;
    expect_json(
        "POST",
        "/v1/notes",
        json!({"content": "Spoke with Kevin", "linked_to": [{"id": 1, "type": "Contact"}], "tags": ["Clients"]}),
    )
    .respond_with(json_200(example!("create_new_note")))
    .expect(1)
    .mount(&server)
    .await;
    expect_bodyless("GET", "/v1/notes/9")
        .respond_with(json_200(example!("fetch_existing_note")))
        .expect(1)
        .mount(&server)
        .await;
    expect_json("PUT", "/v1/notes/9", json!({"content": "Called back", "visible_to": "Everyone"}))
        .respond_with(json_200(example!("update_existing_note")))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let mut note = CreateNote::new("Spoke with Kevin");
    note.linked_to = Some(vec![Document::new(1, "Contact")]);
    note.tags = Some(vec!["Clients".into()]);
    let created = ok(&server, client.notes().create(note).await).await;
    assert_eq!(created.visible_to.as_deref(), Some("Everyone"));

    let fetched = ok(&server, client.notes().get(9).await).await;
    assert_eq!(fetched.linked_to[0].type_.as_str(), "Contact");

    let mut update = UpdateNote::new("Called back");
    update.visible_to = Some("Everyone".into());
    ok(&server, client.notes().update(9, update).await).await;
}

// ---------------------------------------------------------------------------------------
// opportunities
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn opportunities_list_sends_include_closed() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/opportunities")
        .and(query_param("resource_id", "1"))
        .and(query_param("resource_type", "Contact"))
        .and(query_param("order", "desc"))
        .and(query_param("include_closed", "true"))
        .and(query_is(&[
            ("resource_id", "1"),
            ("resource_type", "Contact"),
            ("order", "desc"),
            ("include_closed", "true"),
        ]))
        .respond_with(json_200(example!("retrieve_all_opportunities")))
        .expect(1)
        .mount(&server)
        .await;

    let opportunities = ok(
        &server,
        client(&server)
            .opportunities().list()
            .resource_id(1)
            .resource_type("Contact")
            .order(RetrieveAllOpportunitiesOrder::Desc)
            .include_closed(true)
            .await,
    )
    .await
    .opportunities
    ;
    let plan = &opportunities[0];
    assert_eq!(plan.probability, Some(70));
    let amount = &plan.amounts[0];
    assert_eq!((amount.amount, amount.currency.as_deref()), (Some(56.76), Some("$")));
    assert_eq!(plan.target_close.map(|t| t.to_string()).as_deref(), Some("2015-11-12 11:00 AM -0500"));
}

#[tokio::test]
async fn opportunities_create_and_delete() {
    let server = MockServer::start().await;
    expect_json(
        "POST",
        "/v1/opportunities",
        json!({
            "name": "Financial Plan",
            "target_close": "2015-11-12 11:00 AM -0500",
            "probability": 70,
            "stage": 1,
            "amounts": [{"amount": 56.76, "currency": "$", "kind": "Fee"}]
        }),
    )
    .respond_with(json_200(example!("create_new_opportunity")))
    .expect(1)
    .mount(&server)
    .await;
    expect_bodyless("DELETE", "/v1/opportunities/3")
        .respond_with(json_200(example!("delete_opportunity")))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let amount = Amount::new().amount(56.76).currency("$").kind(AmountKind::Fee);
    let body = CreateOpportunity::new(
        "Financial Plan",
        timestamp("2015-11-12 11:00 AM -0500"),
        70,
        1,
        vec![amount],
    );
    let created = ok(&server, client.opportunities().create(body).await).await;
    assert_eq!(created.name.as_deref(), Some("Financial Plan"));
    let deleted = ok(&server, client.opportunities().delete(3).await).await;
    assert_eq!(deleted.id, Some(1));
}

// ---------------------------------------------------------------------------------------
// projects
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn projects_list_sends_pagination() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/projects")
        .and(query_param("page", "2"))
        .and(query_param("per_page", "10"))
        .and(query_is(&[("page", "2"), ("per_page", "10")]))
        .respond_with(json_200(example!("retrieve_all_projects")))
        .expect(1)
        .mount(&server)
        .await;

    let projects = ok(&server, client(&server).projects().list().page(2).per_page(10).await)
        .await
        .projects
        ;
    assert_eq!(projects[0].name.as_deref(), Some("Client Seminar"));
    assert_eq!(projects[0].image.as_deref(), Some("https://app.crmworkspace.com/projects.png"));
}

#[tokio::test]
async fn projects_create_fetch_update_and_delete() {
    let server = MockServer::start().await;
    expect_json(
        "POST",
        "/v1/projects",
        json!({"name": "Client Seminar", "description": "Project to plan spring seminar.", "organizer": 1}),
    )
    .respond_with(json_200(example!("create_new_project")))
    .expect(1)
    .mount(&server)
    .await;
    expect_bodyless("GET", "/v1/projects/7")
        .respond_with(json_200(example!("fetch_existing_project")))
        .expect(1)
        .mount(&server)
        .await;
    expect_json("PUT", "/v1/projects/7", json!({"name": "Spring Seminar", "description": "Moved to May."}))
        .respond_with(json_200(example!("update_existing_project")))
        .expect(1)
        .mount(&server)
        .await;
    expect_bodyless("DELETE", "/v1/projects/7")
        .respond_with(json_200(example!("delete_project")))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let mut body = CreateProject::new("Client Seminar", "Project to plan spring seminar.");
    body.organizer = Some(1);
    ok(&server, client.projects().create(body).await).await;
    let project = ok(&server, client.projects().get(7).await).await;
    assert_eq!(project.organizer, Some(1));
    let update = UpdateProject::new("Spring Seminar", "Moved to May.");
    ok(&server, client.projects().update(7, update).await).await;
    ok(&server, client.projects().delete(7).await).await;
}

// ---------------------------------------------------------------------------------------
// tasks
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn tasks_list_sends_the_filters() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/tasks")
        .and(query_param("assigned_to", "1"))
        .and(query_param("assigned_to_team", "10"))
        .and(query_param("created_by", "3"))
        .and(query_param("completed", "true"))
        .and(query_is(&[("assigned_to", "1"), ("assigned_to_team", "10"), ("created_by", "3"), ("completed", "true")]))
        .respond_with(json_200(example!("retrieve_all_tasks")))
        .expect(1)
        .mount(&server)
        .await;

    let tasks = ok(
        &server,
        client(&server).tasks().list().assigned_to(1).assigned_to_team(10).created_by(3).completed(true).await,
    )
    .await
    .tasks
    ;
    assert_eq!(tasks.len(), 2);
    // The list's items are the task model the task operations return.
    assert_eq!(tasks[0].name.as_deref(), Some("Return Bill's call"));
    assert_eq!(tasks[1].assigned_to_team, Some(10));
}

#[tokio::test]
async fn tasks_create_for_a_user_and_for_a_team() {
    let server = MockServer::start().await;
    expect_json(
        "POST",
        "/v1/tasks",
        json!({"name": "Return Bill's call", "due_date": "2015-05-24 11:00 AM -0400", "priority": "High", "assigned_to": 1}),
    )
    .respond_with(json_200(example!("create_new_task_and_assign_it_to_user")))
    .expect(1)
    .mount(&server)
    .await;
    expect_json(
        "POST",
        "/v1/tasks",
        json!({"name": "Return Bill's call", "due_date": "2015-05-24 11:00 AM -0400", "assigned_to_team": 10}),
    )
    .respond_with(json_200(example!("create_new_task_and_assign_it_to_team")))
    .expect(1)
    .mount(&server)
    .await;

    let client = client(&server);
    let mut for_user =
        CreateTask::new("Return Bill's call", timestamp("2015-05-24 11:00 AM -0400"));
    for_user.priority = Some(TaskPriority::High);
    for_user.assigned_to = Some(1);
    let task = ok(&server, client.tasks().create(for_user).await).await;
    assert_eq!(task.due_date.map(|t| t.local().to_string()).as_deref(), Some("2015-05-24 11:00:00"));
    assert_eq!(task.complete, Some(true));

    // One method for the endpoint the document describes twice: one body covers both.
    let mut for_team =
        CreateTask::new("Return Bill's call", timestamp("2015-05-24 11:00 AM -0400"));
    for_team.assigned_to_team = Some(10);
    ok(&server, client.tasks().create(for_team).await).await;
}

#[tokio::test]
async fn tasks_fetch_and_delete() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/tasks/12")
        .respond_with(json_200(example!("fetch_existing_task")))
        .expect(1)
        .mount(&server)
        .await;
    expect_bodyless("DELETE", "/v1/tasks/12")
        .respond_with(json_200(example!("delete_task")))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let task = ok(&server, client.tasks().get(12).await).await;
    assert_eq!(task.frame.as_deref(), Some("today"));
    let deleted = ok(&server, client.tasks().delete(12).await).await;
    assert_eq!(deleted.id, Some(1));
}

// ---------------------------------------------------------------------------------------
// teams, user groups, users
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn teams_list() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/teams")
        .and(query_param("per_page", "100"))
        .and(query_is(&[("per_page", "100")]))
        .respond_with(json_200(example!("retrieve_all_teams")))
        .expect(1)
        .mount(&server)
        .await;

    let teams = ok(&server, client(&server).teams().list().per_page(100).await).await.teams;
    assert_eq!(teams[0].name.as_deref(), Some("Service"));
    assert_eq!(teams[0].members[0].email.as_deref(), Some("bill@example.com"));
}

#[tokio::test]
async fn user_groups_list() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/user_groups")
        .and(query_param("page", "1"))
        .and(query_is(&[("page", "1")]))
        .respond_with(json_200(example!("retrieve_all_user_groups")))
        .expect(1)
        .mount(&server)
        .await;

    let groups =
        ok(&server, client(&server).user_groups().list().page(1).await).await.user_groups;
    assert_eq!((groups[0].name.as_deref(), groups[0].user), (Some("Everyone"), Some(1)));
}

#[tokio::test]
async fn users_list() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/users")
        .and(no_query)
        .respond_with(json_200(example!("retrieve_all_users")))
        .expect(1)
        .mount(&server)
        .await;

    let users = ok(&server, client(&server).users().list().await).await.users;
    assert_eq!(users[0].name.as_deref(), Some("Bill"));
    assert_eq!(users[0].excluded_from_assignments, Some(false));
}

// ---------------------------------------------------------------------------------------
// workflow templates
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn workflow_templates_list_and_fetch() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/workflow_templates")
        .and(query_param("per_page", "10"))
        .and(query_is(&[("per_page", "10")]))
        .respond_with(json_200(example!("retrieve_all_workflow_templates")))
        .expect(1)
        .mount(&server)
        .await;
    expect_bodyless("GET", "/v1/workflow_templates/4")
        .and(no_query)
        .respond_with(json_200(example!("fetch_existing_workflow_template")))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let templates = ok(&server, client.workflow_templates().list().per_page(10).await)
        .await
        .workflow_templates
        ;
    assert_eq!(templates[0].name.as_deref(), Some("New Client Onboarding Process"));
    let template = ok(&server, client.workflow_templates().get(4).await).await;
    let step = &template.workflow_steps[0];
    assert_eq!(step.name.as_deref(), Some("Schedule discover meeting"));
    assert_eq!(
        step.workflow_outcomes[0].name.as_deref(),
        Some("Meeting scheduled with client")
    );
}

// ---------------------------------------------------------------------------------------
// workflows
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn workflows_list_sends_the_status() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/workflows")
        .and(query_param("resource_id", "1"))
        .and(query_param("resource_type", "Contact"))
        .and(query_param("status", "active"))
        .and(query_is(&[("resource_id", "1"), ("resource_type", "Contact"), ("status", "active")]))
        .respond_with(json_200(example!("retrieve_all_workflows")))
        .expect(1)
        .mount(&server)
        .await;

    let workflows = ok(
        &server,
        client(&server)
            .workflows().list()
            .resource_id(1)
            .resource_type("Contact")
            .status(RetrieveAllWorkflowsStatus::Active)
            .await,
    )
    .await
    .workflows
    ;
    let workflow = &workflows[0];
    assert_eq!(workflow.label.as_deref(), Some("Onboard a new client to the firm"));
    assert_eq!(workflow.linked_to.as_ref().map(|d| d.id), Some(1));
    assert_eq!(workflow.starts_at.map(|t| t.local().to_string()).as_deref(), Some("2019-02-25 15:00:00"));
}

#[tokio::test]
async fn workflows_create_fetch_and_delete() {
    let server = MockServer::start().await;
    expect_json(
        "POST",
        "/v1/workflows",
        json!({
            "label": "Onboard a new client to the firm",
            "linked_to": {"id": 1, "type": "Contact", "name": "Kevin Anderson"},
            "workflow_template": 2,
            "starts_at": "2019-02-25 03:00 PM -0400"
        }),
    )
    .respond_with(json_200(example!("create_new_workflow")))
    .expect(1)
    .mount(&server)
    .await;
    expect_bodyless("GET", "/v1/workflows/8")
        .respond_with(json_200(example!("fetch_existing_workflow")))
        .expect(1)
        .mount(&server)
        .await;
    expect_bodyless("DELETE", "/v1/workflows/8")
        .respond_with(json_200(example!("delete_workflow")))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let mut body = CreateWorkflow::new(2);
    body.label = Some("Onboard a new client to the firm".into());
    let mut linked = Document::new(1, "Contact");
    linked.name = Some("Kevin Anderson".into());
    body.linked_to = Some(linked);
    body.starts_at = Some(timestamp("2019-02-25 03:00 PM -0400"));
    let created = ok(&server, client.workflows().create(body).await).await;
    assert_eq!(created.workflow_template.and_then(|t| t.name).as_deref(), Some("New Client Onboarding Process"));
    let fetched = ok(&server, client.workflows().get(8).await).await;
    assert_eq!(fetched.visible_to.as_deref(), Some("Everyone"));
    ok(&server, client.workflows().delete(8).await).await;
}

#[tokio::test]
async fn workflows_complete_and_revert_a_step() {
    let server = MockServer::start().await;
    expect_json("PUT", "/v1/workflows/10/steps/3", json!({"complete": true, "workflow_outcome_id": 1}))
        .respond_with(json_200(example!("complete_workflow_step")))
        .expect(1)
        .mount(&server)
        .await;
    expect_json("PUT", "/v1/workflows/10/steps/4", json!({"revert": true}))
        .respond_with(json_200(example!("revert_workflow_step")))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let complete =
        CompleteWorkflowStepRequest::new().complete(true).workflow_outcome_id(1);
    let step = ok(&server, client.workflows().complete_step(10, 3, complete).await).await;
    assert_eq!(step.completer, Some(1));
    assert_eq!(step.due_date.map(|t| t.local().to_string()).as_deref(), Some("2024-03-06 11:30:00"));
    let reverted =
        ok(&server, client.workflows().revert_step(10, 4, RevertWorkflowStepRequest::new().revert(true)).await).await;
    assert_eq!(reverted.name.as_deref(), Some("Schedule discover meeting"));
}

// ---------------------------------------------------------------------------------------
// responses and errors
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn send_with_response_exposes_status_and_headers() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/contacts/42")
        .respond_with(json_200(example!("fetch_existing_contact")).insert_header("X-Request-Id", "req-123"))
        .expect(1)
        .mount(&server)
        .await;
    expect_call("POST", "/v1/contacts")
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_raw(example!("create_new_contact"), "application/json")
                .insert_header("Location", "/v1/contacts/1"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let response = ok(&server, client.contacts().get(42).send_with_response().await).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.headers.get("x-request-id").and_then(|v| v.to_str().ok()), Some("req-123"));
    assert_eq!(response.body.first_name.as_deref(), Some("Kevin"));

    let body = CreateContact::new("Kevin", "Anderson");
    let created = ok(&server, client.contacts().create(body).send_with_response().await).await;
    assert_eq!(created.status, 201);
    assert_eq!(created.headers.get("location").and_then(|v| v.to_str().ok()), Some("/v1/contacts/1"));
    assert_eq!(created.body.id, Some(1));
}

#[tokio::test]
async fn error_status_with_the_documented_error_body_is_an_api_error() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/contacts/404")
        .respond_with(
            ResponseTemplate::new(404).set_body_raw(r#"{"success": false, "errors": "Not found"}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server).contacts().get(404).await.unwrap_err();
    match &error {
        Error::Api { status: 404, body: Some(ErrorResponse { success: Some(false), errors, .. }), raw } => {
            assert_eq!(errors, &Some(json!("Not found")));
            assert!(raw.contains("Not found"), "raw body kept: {raw}");
        }
        other => panic!("expected Error::Api 404 with the error body, got {other:?}"),
    }
    let message = error.to_string();
    assert!(message.contains("404") && message.contains("Not found"), "{message}");
}

#[tokio::test]
async fn too_many_requests_is_rate_limited_with_retry_after() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/contacts")
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "7")
                .set_body_raw(r#"{"success": false, "errors": "Too many requests"}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;

    // Retries are off for this request only, so the 429 comes back at once.
    match client(&server).contacts().list().retry(RetryPolicy::none()).await {
        Err(Error::RateLimited { retry_after: Some(wait), raw }) => {
            assert_eq!(wait, Duration::from_secs(7));
            assert!(raw.contains("Too many requests"));
        }
        other => panic!("expected Error::RateLimited with retry_after 7s, got {other:?}"),
    }
}

#[tokio::test]
async fn too_many_requests_without_retry_after() {
    let server = MockServer::start().await;
    // Retried (a GET), up to the default 3 attempts in all.
    expect_bodyless("GET", "/v1/users").respond_with(ResponseTemplate::new(429)).expect(3).mount(&server).await;

    match client(&server).users().list().await {
        Err(Error::RateLimited { retry_after: None, .. }) => {}
        other => panic!("expected Error::RateLimited without retry_after, got {other:?}"),
    }
}

#[tokio::test]
async fn html_error_page_is_an_api_error_without_a_body() {
    let server = MockServer::start().await;
    let page = "<!DOCTYPE html><html><head><title>We're sorry</title></head>\
                <body><h1>We're sorry, but something went wrong.</h1></body></html>";
    expect_bodyless("GET", "/v1/contacts/1")
        .respond_with(ResponseTemplate::new(500).set_body_raw(page, "text/html"))
        .expect(1)
        .mount(&server)
        .await;

    match client(&server).contacts().get(1).await {
        Err(Error::Api { status: 500, body: None, raw }) => assert!(raw.contains("something went wrong"), "{raw}"),
        other => panic!("expected Error::Api 500 without a decoded body, got {other:?}"),
    }
}

#[tokio::test]
async fn wrong_shape_is_a_decode_error_naming_the_field() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/contacts")
        .respond_with(json_200(r#"{"contacts": [{"id": "one", "first_name": "Kevin"}]}"#))
        .expect(1)
        .mount(&server)
        .await;

    match client(&server).contacts().list().await {
        Err(Error::Decode { status, path, message, excerpt }) => {
            assert_eq!(status, 200);
            assert_eq!(path, "contacts[0].id");
            assert!(message.contains("invalid type"), "{message}");
            assert!(excerpt.starts_with(r#"{"contacts""#), "{excerpt}");
        }
        other => panic!("expected Error::Decode at contacts[0].id, got {other:?}"),
    }
}

#[tokio::test]
async fn timestamps_the_document_does_not_show_decode_in_their_iso_forms() {
    let server = MockServer::start().await;
    let body = r#"{"contacts": [
        {"id": 1, "created_at": "2015-05-24"},
        {"id": 2, "created_at": "2015-05-24T10:00:00"},
        {"id": 3, "created_at": "2015-05-24T10:00+05:00"},
        {"id": 4, "created_at": "2015-05-24 10:00:00.25Z"},
        {"id": 5, "created_at": "2015-05-24 10:00 AM -0500"}
    ]}"#;
    expect_bodyless("GET", "/v1/contacts").respond_with(json_200(body)).expect(1).mount(&server).await;

    let contacts = ok(&server, client(&server).contacts().list().await).await.contacts;
    let read: Vec<String> = contacts.iter().map(|c| c.created_at.unwrap().to_string()).collect();
    // Written back in the documented format they were read in (RFC 3339, which chrono
    // reads with a space too, is one of Wealthbox's), else in the document's first format
    // that has (or lacks) an offset like them.
    assert_eq!(
        read,
        [
            "2015-05-24 12:00am",
            "2015-05-24 10:00am",
            "2015-05-24 10:00 AM +0500",
            "2015-05-24T10:00:00.250+00:00",
            "2015-05-24 10:00 AM -0500"
        ]
    );
}

#[tokio::test]
async fn undocumented_timestamp_format_is_a_decode_error_naming_the_field() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/contacts")
        .respond_with(json_200(r#"{"contacts": [{"id": 1, "created_at": "yesterday"}]}"#))
        .expect(1)
        .mount(&server)
        .await;

    match client(&server).contacts().list().await {
        Err(Error::Decode { path, message, .. }) => {
            assert_eq!(path, "contacts[0].created_at");
            assert!(message.contains("yesterday"), "{message}");
        }
        other => panic!("expected Error::Decode at contacts[0].created_at, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_json_is_a_decode_error() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/contacts")
        .respond_with(json_200(r#"{"contacts": [{"id": 1, "first_name": "Kev"#))
        .expect(1)
        .mount(&server)
        .await;

    match client(&server).contacts().list().await {
        Err(Error::Decode { status: 200, path, message, .. }) => {
            assert_eq!(path, "contacts[0].first_name");
            assert!(message.contains("EOF"), "{message}");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn timeout_is_reported_as_timeout() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/me")
        .respond_with(json_200(example!("retrieve_login_profile_information")).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;

    let client = Client::builder(Auth::AccessToken(TOKEN.into()))
        .base_url(server.uri())
        .timeout(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    match client.me().get().await {
        Err(Error::Timeout) => {}
        other => panic!("expected Error::Timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn debug_output_never_shows_the_secret() {
    let server = MockServer::start().await;
    let builder = Client::builder(Auth::AccessToken(TOKEN.into())).base_url(server.uri());
    assert!(!format!("{builder:?}").contains(TOKEN), "{builder:?}");
    let access = builder.build().unwrap();
    let bearer = Client::builder(Auth::Bearer(TOKEN.into())).base_url(server.uri()).build().unwrap();
    for client in [&access, &bearer] {
        for text in [format!("{client:?}"), format!("{client:#?}")] {
            assert!(!text.contains(TOKEN), "{text}");
            assert!(text.contains(&server.uri()), "the base URL is shown: {text}");
        }
    }
    assert!(!format!("{:?}", Auth::Bearer(TOKEN.into())).contains(TOKEN));
    // A request builder holds the client: it does not show the secret either.
    assert!(!format!("{:?}", access.contacts().get(1)).contains(TOKEN));
}

#[tokio::test]
async fn base_url_with_a_trailing_slash_and_an_invalid_one() {
    let server = MockServer::start().await;
    expect_bodyless("GET", "/v1/me")
        .respond_with(json_200(example!("retrieve_login_profile_information")))
        .expect(1)
        .mount(&server)
        .await;

    let client =
        Client::builder(Auth::AccessToken(TOKEN.into())).base_url(format!("{}/", server.uri())).build().unwrap();
    assert_eq!(client.base_url(), server.uri());
    ok(&server, client.me().get().await).await;

    match Client::builder(Auth::AccessToken(TOKEN.into())).base_url("api.crmworkspace.com").build() {
        Err(Error::InvalidRequest(why)) => assert!(why.contains("http"), "{why}"),
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
    assert_eq!(Client::new(Auth::AccessToken(TOKEN.into())).unwrap().base_url(), Client::DEFAULT_BASE_URL);
}
