//! The account name is part of the base URL: a client cannot be made without it.
use activecampaign::{Auth, Client};

fn main() {
    let _ = Client::new(Auth::ApiToken("token".into()));
}
