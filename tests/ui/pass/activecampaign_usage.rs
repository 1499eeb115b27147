//! A program using the ActiveCampaign client: account name, token, bracketed filters, a
//! typed request body and a typed response (the models of the definition behind the
//! reference pages).
use activecampaign::models::{CreateDeal, DealGetAllResponse, DealNewDealCreationRequest};
use activecampaign::{Auth, Client};

#[allow(dead_code)]
async fn deals() -> Result<(), activecampaign::Error> {
    let client = Client::new("myaccount", Auth::ApiToken("token".into()))?;
    let deals: DealGetAllResponse = client.deals().list().filters_title("Big").orders_next_action("ASC").await?;
    let _total: Option<i64> = deals.meta.and_then(|m| m.total);
    let _one = client.deals().get(7).await?;
    let deal = CreateDeal::new("New", 100, "usd", "1", "1", "1");
    client.deals().create(DealNewDealCreationRequest::new().deal(deal)).await?;
    Ok(())
}

fn main() {}
