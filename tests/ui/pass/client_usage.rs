//! Typical use of the generated client: optional query parameters as builder methods,
//! request bodies built with `::new(required...)` or `Default`, `.await` directly,
//! `.send()`, `.send_with_response()`, and error handling. Never run.

use std::time::Duration;

use wealthbox::models::{
    AddMemberToHouseholdRequest, CompleteWorkflowStepRequest, CreateContact, CreateEvent,
    CreateNote, Document, EmailAddressRequest, HouseholdTitle,
    ListAllMembersOfCustomizableCategoryType, ListAllTagsDocumentType, RetrieveAllContactsOrder,
    RetrieveAllContactsType, UpdateContact,
};
use wealthbox::{Auth, Client, Error, Timestamp};

async fn exercise(client: &Client) -> Result<(), Error> {
    let page = client
        .contacts().list()
        .email("kevin@example.com")
        .tags(["Clients", "VIP"])
        .active(true)
        .type_(RetrieveAllContactsType::Person)
        .order(RetrieveAllContactsOrder::Recent)
        .page(2)
        .per_page(50)
        .await?;
    let _first_name: Option<&str> =
        page.contacts.first().and_then(|c| c.first_name.as_deref());

    let new_contact = CreateContact::new("Kevin", "Anderson")
        .email_addresses([EmailAddressRequest::new("kevin@example.com")])
        .tags(["Clients"]);
    let created = client.contacts().create(new_contact).send().await?;

    let response = client.contacts().get(created.id.unwrap_or(1)).send_with_response().await?;
    let _status: u16 = response.status;
    let _request_id = response.headers.get("x-request-id");
    let _created_at: Option<Timestamp> = response.body.created_at;

    let update = UpdateContact::new().nickname("Kev");
    client.contacts().update(1, update).await?;
    client.contacts().delete(1).await?;

    client.categories().list_tags().document_type(ListAllTagsDocumentType::Contact).await?;
    client.categories().list(ListAllMembersOfCustomizableCategoryType::ContactTypes).await?;
    client.households().add_member(5, AddMemberToHouseholdRequest::new(2, HouseholdTitle::Head)).await?;

    let starts: Timestamp = "2015-05-24 10:00 AM -0400".parse().expect("a documented format");
    let ends = Timestamp::parse("2015-05-24 11:00 AM -0400").expect("a documented format");
    client.events().create(CreateEvent::new("Client Meeting", starts, ends)).await?;

    let mut note = CreateNote::new("Spoke with Kevin");
    note.linked_to = Some(vec![Document::new(1, "Contact")]);
    client.notes().create(note).await?;

    client
        .workflows().complete_step(10, 3, CompleteWorkflowStepRequest::new().complete(true))
        .await?;
    client.activity().list().cursor("next").await?;
    let me = client.me().get().await?;
    let _email: Option<String> = me.email;
    Ok(())
}

/// How a caller tells the errors apart (`Error` is non-exhaustive: a wildcard arm is needed).
fn describe(error: &Error) -> String {
    match error {
        Error::Api { status, body: Some(body), .. } => format!("{status}: {:?}", body.errors),
        Error::Api { status, body: None, raw } => format!("{status}: {raw}"),
        Error::RateLimited { retry_after, .. } => {
            format!("retry after {:?}", retry_after.unwrap_or(Duration::from_secs(1)))
        }
        Error::Decode { path, message, .. } => format!("{path}: {message}"),
        Error::Timeout => "timeout".to_string(),
        other => other.to_string(),
    }
}

fn assert_send<T: Send>(_: &T) {}
fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
fn assert_error<E: std::error::Error + Send + Sync + 'static>() {}

fn main() {
    assert_shareable::<Client>();
    assert_error::<Error>();
    let client = Client::builder(Auth::Bearer("token".into()))
        .base_url("http://127.0.0.1:1")
        .timeout(Some(Duration::from_secs(5)))
        .build()
        .expect("a valid base URL");
    // Futures can be spawned on a multi-threaded runtime.
    assert_send(&exercise(&client));
    assert_send(&client.contacts().get(1).send());
    let _ = describe;
    let _ = Client::new(Auth::AccessToken(wealthbox::Secret::new("token")));
}
