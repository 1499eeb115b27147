//! A program using the Nimble client: bearer token, builders, a request body, and the
//! models of an operation that has no known route (kept, though it has no method).
use nimble::models::{CreateNote, Pipeline};
use nimble::{Auth, Client};

#[allow(dead_code)]
async fn contacts() -> Result<(), nimble::Error> {
    let client = Client::new(Auth::Bearer("token".into()))?;
    let page = client.contacts().list().keyword("acme").page(2).await?;
    let _total: Option<i64> = page.meta.and_then(|m| m.total);
    let _contact = client.contacts().get("4f60a873fcf7b752ed006b7a".into()).await?;
    let note = CreateNote::new(vec!["4f60a873fcf7b752ed006b7a".into()], "Met", "Met");
    client.notes().create(note).await?;
    let _unrouted: Option<Pipeline> = None;
    Ok(())
}

fn main() {}
