//! The resource + verb vocabulary and the request bodies' builders, as a user writes
//! them; and reading responses with the struct patterns users write (`..`), which keep
//! compiling when the vendor adds a response field (the structs are `#[non_exhaustive]`).
//! Never run.

use wealthbox::models::{Contact, CreateContact, CreateTask, EmailAddressRequest, Task, TaskPriority, UpdateContact, UpdateTask};
use wealthbox::{Client, Error, Timestamp};

async fn crud(client: &Client) -> Result<(), Error> {
    // List with a filter, every page.
    let all: Vec<Contact> = client.contacts().list().email("kevin@example.com").all().await?;
    for Contact { id, first_name, .. } in &all {
        let _: (&Option<i64>, &Option<String>) = (id, first_name);
    }
    // Every page as a stream: no pinning, no trait to import.
    let mut items = client.contacts().list().tags(["VIP"]).stream();
    while let Some(contact) = items.next().await {
        let _: Contact = contact?;
    }
    // One page: its items default to empty.
    let page = client.contacts().list().per_page(50).await?;
    let _first: Option<&Contact> = page.contacts.first();
    // Get, create with three fields, update one field, delete.
    let contact = client.contacts().get(42).await?;
    let Contact { last_name, .. } = contact;
    let _ = last_name;
    let body = CreateContact::new("Jane", "Doe")
        .job_title("CFO")
        .email_addresses([EmailAddressRequest::new("jane@example.com")])
        .tags(["Clients"]);
    let created = client.contacts().create(body).await?;
    client.contacts().update(created.id.unwrap_or(1), UpdateContact::new().nickname("JD")).await?;
    client.contacts().delete(42).await?;

    // A fetched task's priority goes into an update: one `TaskPriority`.
    let task: Task = client.tasks().get(7).await?;
    let due: Timestamp = "2015-05-24 11:00 AM -0400".parse().expect("a documented format");
    let mut update = UpdateTask::new("Return Bill's call", due);
    if let Some(priority) = task.priority {
        update = update.priority(priority);
    }
    client.tasks().update(7, update).await?;
    // One method for the endpoint the document describes twice (for a user, for a team).
    let for_team = CreateTask::new("Call back", due).assigned_to_team(10).priority(TaskPriority::High);
    client.tasks().create(for_team).await?;
    client.workflows().complete_step(10, 3, wealthbox::models::CompleteWorkflowStepRequest::new().complete(true)).await?;
    Ok(())
}

fn main() {
    let client = Client::new(wealthbox::Auth::AccessToken("token".into())).expect("the documented base URL");
    let _ = crud(&client);
}
