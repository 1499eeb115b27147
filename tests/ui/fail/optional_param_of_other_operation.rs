//! Optional query parameters are per operation: `fetch_existing_contact` has no `per_page`.

async fn run(client: &wealthbox::Client) {
    let _ = client.contacts().get(42).per_page(10).await;
}

fn main() {
    let _ = run;
}
