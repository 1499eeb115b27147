//! A program using the ActiveCampaign client: account name, token, bracketed filters.
use activecampaign::{Auth, Client};

#[allow(dead_code)]
async fn deals() -> Result<(), activecampaign::Error> {
    let client = Client::new("myaccount", Auth::ApiToken("token".into()))?;
    let _deals: serde_json::Value =
        client.deals().list().filters_title("Big").orders_next_action("ASC").await?;
    let _one = client.deals().get(7).await?;
    let mut body = serde_json::Map::new();
    body.insert("deal".into(), serde_json::json!({"title": "New"}));
    client.deals().create(body).await?;
    Ok(())
}

fn main() {}
