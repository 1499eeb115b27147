//! A request builder that is never sent is flagged (`#[must_use]`).
#![deny(unused_must_use)]

fn run(client: &wealthbox::Client) {
    client.contacts().delete(42);
}

fn main() {
    let _ = run;
}
