//! The contact id is a number, not a string.

async fn run(client: &wealthbox::Client) {
    let _ = client.contacts().get("42").await;
}

fn main() {
    let _ = run;
}
