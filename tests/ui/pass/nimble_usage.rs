//! A program using the Nimble client: bearer token, builders, a request body, and
//! operations the scrape lost the routes of, routed by the definition behind the page.
use nimble::models::{ContactsContactNoteSpec, PipelineDealsPipeline};
use nimble::{Auth, Client};

#[allow(dead_code)]
async fn contacts() -> Result<(), nimble::Error> {
    let client = Client::new(Auth::Bearer("token".into()))?;
    let page = client.contacts().list().keyword("acme").page(2).await?;
    let _total: Option<i64> = page.meta.and_then(|m| m.total);
    let _contact = client.contacts().get("4f60a873fcf7b752ed006b7a".into()).await?;
    let note = ContactsContactNoteSpec::new(vec!["4f60a873fcf7b752ed006b7a".into()], "Met", "Met");
    client.notes().create(note).await?;
    let _pipeline: PipelineDealsPipeline = client.deals().get_pipeline("p1".into()).await?;
    Ok(())
}

fn main() {}
