//! The request body of `create_new_contact` is required: forgetting it does not compile.

async fn run(client: &wealthbox::Client) {
    let _ = client.contacts().create().await;
}

fn main() {
    let _ = run;
}
