//! The one composition root: a session of one account, built from settings: its store (scoped
//! to the account), its client, and engines on them. The commands, the app, the demo, the
//! tests and the benchmarks all get their wiring here.

use tokio::sync::mpsc::UnboundedReceiver;

use crate::api::Client;
use crate::config::Settings;
use crate::engine::{Engine, EngineConfig, Event};
use crate::exit::Failure;
use crate::store::{AccountStore, Store};

/// One account's store, and (for sessions that talk to the server) its client.
#[derive(Clone)]
pub struct Session {
    store: AccountStore,
    client: Option<Client>,
}

impl Session {
    /// The store of the settings' account: nothing is read from the server and no token is
    /// needed (queue, log, preview).
    pub async fn local(settings: &Settings) -> Result<Session, Failure> {
        let path = match &settings.db_path {
            Some(p) => p.clone(),
            None => Store::default_path().map_err(|e| Failure::input(e.to_string()))?,
        };
        let phone = settings.phone_number_id.as_deref().ok_or_else(|| {
            Failure::input("no phone number id: give --phone-number-id or set WA_PHONE_NUMBER_ID")
        })?;
        let base = crate::api::settings::check_base_url(&settings.base_url)?;
        let store = Store::open(&path)
            .map_err(|e| Failure::input(format!("store {}: {e}", path.display())))?;
        let store = store
            .account(base.as_str(), phone)
            .await
            .map_err(|e| Failure::input(format!("store: {e}")))?;
        Ok(Session {
            store,
            client: None,
        })
    }

    /// The store and the client of the settings' account (the token is read here, after
    /// every other setting was checked).
    pub async fn online(settings: &Settings) -> Result<Session, Failure> {
        let mut session = Session::local(settings).await?;
        session.client = Some(settings.client()?);
        Ok(session)
    }

    /// A session on a store and client made elsewhere (the demo's sandbox, tests, benches).
    pub fn with(store: AccountStore, client: Client) -> Session {
        Session {
            store,
            client: Some(client),
        }
    }

    pub fn store(&self) -> &AccountStore {
        &self.store
    }

    /// The client, for a session opened online.
    pub fn client(&self) -> Result<&Client, Failure> {
        self.client
            .as_ref()
            .ok_or_else(|| Failure::input("this command does not talk to the server"))
    }

    /// Starts an engine for this account: the only sender.
    pub fn engine(
        &self,
        config: EngineConfig,
    ) -> Result<(Engine, UnboundedReceiver<Event>), Failure> {
        let client = self.client()?.clone();
        Ok(Engine::spawn(client, self.store.clone(), config))
    }
}
