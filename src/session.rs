//! The one composition root: a session of one account, built from settings: its store (scoped
//! to the account), its client, and engines on them. The commands, the app, the demo, the
//! tests and the benchmarks all get their wiring here.

use tokio::sync::mpsc::UnboundedReceiver;

use crate::api::Client;
use crate::config::{ConfigError, Settings};
use crate::engine::{Engine, EngineConfig, Event};
use crate::store::{AccountStore, Store, StoreError};

/// Why a session cannot be opened: a setting, the token, or the store.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{}", crate::api::settings::NO_PHONE_NUMBER_ID)]
    NoPhoneNumberId,
    #[error("store {path}: {source}")]
    Store { path: String, source: StoreError },
    #[error("this session does not talk to the server")]
    Offline,
}

/// One account's store, and (for sessions that talk to the server) its client.
#[derive(Clone)]
pub struct Session {
    store: AccountStore,
    client: Option<Client>,
}

impl Session {
    /// The store of the settings' account: nothing is read from the server and no token is
    /// needed (queue, log, preview).
    pub async fn local(settings: &Settings) -> Result<Session, SessionError> {
        let phone = settings
            .phone_number_id
            .as_deref()
            .ok_or(SessionError::NoPhoneNumberId)?;
        let (store, base_url) = Session::store_of(settings)?;
        let store =
            store
                .account(&base_url, phone)
                .await
                .map_err(|source| SessionError::Store {
                    path: store.location(),
                    source,
                })?;
        Ok(Session {
            store,
            client: None,
        })
    }

    /// The whole store the settings name, and the base URL its accounts are named by (for
    /// what serves several accounts: the webhook receiver, which keeps each business number's
    /// deliveries under that number's account).
    pub fn store_of(settings: &Settings) -> Result<(Store, String), SessionError> {
        let store_error = |path: &std::path::Path| {
            let path = path.display().to_string();
            move |source| SessionError::Store { path, source }
        };
        let path = match &settings.db_path {
            Some(p) => p.clone(),
            None => Store::default_path().map_err(store_error(std::path::Path::new("")))?,
        };
        let base = crate::api::settings::check_base_url(&settings.base_url)
            .map_err(|e| SessionError::Config(e.into()))?;
        let store = Store::open(&path).map_err(store_error(&path))?;
        Ok((store, base.as_str().to_owned()))
    }

    /// The store and the client of the settings' account (the token is read here, after
    /// every other setting was checked).
    pub async fn online(settings: &Settings) -> Result<Session, SessionError> {
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
    pub fn client(&self) -> Result<&Client, SessionError> {
        self.client.as_ref().ok_or(SessionError::Offline)
    }

    /// Starts an engine for this account: the only sender.
    pub fn engine(
        &self,
        config: EngineConfig,
    ) -> Result<(Engine, UnboundedReceiver<Event>), SessionError> {
        let client = self.client()?.clone();
        Ok(Engine::spawn(client, self.store.clone(), config))
    }
}
