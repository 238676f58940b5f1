//! The envelope every webhook travels in and its signature (`groups-api-2026.md` §2.1).

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::settings::AppSecret;

/// The four group webhook fields (W). The participants field is spelled as W and C's own
/// example spell it (`group_participants_update`), not as C's enum (`group_participant_update`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Lifecycle,
    Participants,
    Settings,
    Status,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Lifecycle => "group_lifecycle_update",
            Field::Participants => "group_participants_update",
            Field::Settings => "group_settings_update",
            Field::Status => "group_status_update",
        }
    }
}

/// Who the webhooks are about: the WABA and the business number.
#[derive(Clone, Debug)]
pub struct Business {
    pub waba_id: String,
    pub phone_number_id: String,
    pub display_phone_number: String,
}

/// `{"object":"whatsapp_business_account","entry":[{"id":WABA,"changes":[{"field",
/// "value":{"messaging_product","metadata":{..},"groups":[items]}}]}]}`.
pub fn envelope(business: &Business, field: Field, items: Vec<Value>) -> Value {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": business.waba_id,
            "changes": [{
                "field": field.name(),
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {
                        "display_phone_number": business.display_phone_number,
                        "phone_number_id": business.phone_number_id,
                    },
                    "groups": items,
                },
            }],
        }],
    })
}

/// The `X-Hub-Signature-256` value: `sha256=` and the lowercase hex HMAC-SHA256 of the exact
/// body bytes, keyed with the app secret.
pub fn signature(secret: &AppSecret, body: &[u8]) -> String {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.expose()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_the_rfc_4231_vector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let secret = AppSecret::new("Jefe").expect("secret");
        assert_eq!(
            signature(&secret, b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn the_envelope_has_meta_shape() {
        let business = Business {
            waba_id: "208765432109876".into(),
            phone_number_id: "109876543210987".into(),
            display_phone_number: "15550109999".into(),
        };
        let v = envelope(&business, Field::Participants, vec![json!({"type": "x"})]);
        assert_eq!(v["object"], "whatsapp_business_account");
        assert_eq!(v["entry"][0]["id"], "208765432109876");
        let change = &v["entry"][0]["changes"][0];
        assert_eq!(change["field"], "group_participants_update");
        assert_eq!(change["value"]["messaging_product"], "whatsapp");
        assert_eq!(
            change["value"]["metadata"]["phone_number_id"],
            "109876543210987"
        );
        assert_eq!(change["value"]["groups"][0]["type"], "x");
    }
}
