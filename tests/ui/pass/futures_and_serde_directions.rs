//! What a call is before it is awaited, and which serde traits the models have by
//! default (this program is also built in `tests/vendoring.rs` with the crates' default
//! features). Never run.
//!
//! A request builder's future is a named type (`Pending`, `PendingResponse`): no boxing,
//! `Send` (spawnable), `Unpin` (usable in `select!` without pinning). Request bodies
//! serialize and responses decode without any feature; the other directions need the
//! `serialize` / `deserialize` features.

use std::future::IntoFuture;

use wealthbox::models::{Contact, ContactPage, CreateContact, ErrorResponse};
use wealthbox::{Client, Pending, PendingResponse};

fn spawnable<F: std::future::Future + Send + Unpin>(future: F) -> F {
    future
}

fn encodes<T: serde::Serialize>() {}

fn decodes<T: serde::de::DeserializeOwned>() {}

fn calls(client: &Client) {
    let list: Pending<'_, ContactPage> = client.contacts().list().into_future();
    let _ = spawnable(list);
    let one: Pending<'_, Contact> = client.contacts().get(42).send();
    let _ = spawnable(one);
    let with_status: PendingResponse<'_, Contact> = client.contacts().get(42).send_with_response();
    let _ = spawnable(with_status);
    let raw: Pending<'_, serde_json::Value> = client.request(wealthbox::reqwest::Method::GET, "/v1/me").send();
    let _ = spawnable(raw);
}

fn main() {
    encodes::<CreateContact>();
    decodes::<Contact>();
    decodes::<ContactPage>();
    decodes::<ErrorResponse>();
    let client = Client::new(wealthbox::Auth::AccessToken("token".into())).expect("the documented base URL");
    calls(&client);
}
