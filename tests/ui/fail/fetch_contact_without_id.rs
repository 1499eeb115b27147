//! The contact id of `fetch_existing_contact` is required: forgetting it does not compile.

async fn run(client: &wealthbox::Client) {
    let _ = client.contacts().get().await;
}

fn main() {
    let _ = run;
}
