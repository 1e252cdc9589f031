//! `miniapp:host/storage`: the app's persistent key-value store, with key, value and quota
//! limits, backed by the host's [`crate::Storage`].

use crate::bindings::storage::{Host, StorageInfo};
use crate::bindings::types::HostError;
use crate::state::HostState;
use crate::storage::{Storage, StorageFault};

impl From<StorageFault> for HostError {
    fn from(f: StorageFault) -> Self {
        match f {
            StorageFault::Limit(m) => HostError::LimitExceeded(m),
            StorageFault::Invalid(m) => HostError::InvalidArgument(m),
            StorageFault::Backend(m) => HostError::Unavailable(m),
        }
    }
}

impl HostState {
    fn store(&self) -> Result<(Storage, String), HostError> {
        match &self.ctx.storage {
            Some(s) => Ok((s.clone(), self.ctx.data_owner.clone())),
            None => Err(HostError::Unavailable("storage is not available in this host".into())),
        }
    }

    fn check_key(&self, key: &str) -> Result<(), HostError> {
        let max = self.limits.storage_key_bytes;
        if key.is_empty() {
            return Err(StorageFault::Invalid("storage key is empty".into()).into());
        }
        if key.len() > max {
            return Err(StorageFault::Invalid(format!(
                "storage key is {} bytes, over the limit of {max} bytes",
                key.len()
            ))
            .into());
        }
        Ok(())
    }
}

impl Host for HostState {
    fn get(&mut self, key: String) -> Result<Option<String>, HostError> {
        self.check_key(&key)?;
        let (s, app) = self.store()?;
        Ok(s.get(&app, &key)?)
    }

    fn set(&mut self, key: String, value: String) -> Result<(), HostError> {
        self.check_key(&key)?;
        let max = self.limits.storage_value_bytes;
        if value.len() > max {
            return Err(HostError::LimitExceeded(format!(
                "storage value for {key:?} is {} bytes, over the limit of {max} bytes",
                value.len()
            )));
        }
        let (s, app) = self.store()?;
        Ok(s.set(&app, &key, &value, self.limits.storage_bytes)?)
    }

    fn remove(&mut self, key: String) -> Result<(), HostError> {
        self.check_key(&key)?;
        let (s, app) = self.store()?;
        Ok(s.remove(&app, &key)?)
    }

    fn clear(&mut self) -> Result<(), HostError> {
        let (s, app) = self.store()?;
        Ok(s.clear(&app)?)
    }

    fn info(&mut self) -> Result<StorageInfo, HostError> {
        let (s, app) = self.store()?;
        let keys = s.keys(&app)?;
        let current_size = s.usage(&app).map_err(|e| HostError::Unavailable(e.to_string()))?;
        Ok(StorageInfo { keys, current_size, limit_size: self.limits.storage_bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::state::AppContext;

    fn state(limits: Limits) -> HostState {
        let mut ctx = AppContext::new("notes");
        ctx.storage = Some(Storage::in_memory().unwrap());
        HostState::new(ctx, &limits)
    }

    #[test]
    fn set_get_remove_round_trip() {
        let mut s = state(Limits::default());
        s.set("k".into(), "v".into()).unwrap();
        assert_eq!(s.get("k".into()).unwrap().as_deref(), Some("v"));
        let info = s.info().unwrap();
        assert_eq!((info.keys, info.current_size, info.limit_size), (vec!["k".to_string()], 2, 10 << 20));
        s.remove("k".into()).unwrap();
        assert_eq!(s.get("k".into()).unwrap(), None);
    }

    #[test]
    fn storage_over_quota_is_refused() {
        let mut s = state(Limits { storage_bytes: 100, storage_value_bytes: 80, ..Limits::default() });
        s.set("a".into(), "x".repeat(60)).unwrap();
        let e = s.set("b".into(), "x".repeat(60)).unwrap_err();
        assert_eq!(e, HostError::LimitExceeded("storage of app notes would be 122 bytes, over the quota of 100 bytes".into()));
        assert_eq!(s.get("a".into()).unwrap().unwrap().len(), 60, "committed data survives");
    }

    #[test]
    fn oversize_value_and_bad_keys_are_refused() {
        let mut s = state(Limits { storage_value_bytes: 4, ..Limits::default() });
        assert_eq!(
            s.set("k".into(), "12345".into()).unwrap_err(),
            HostError::LimitExceeded("storage value for \"k\" is 5 bytes, over the limit of 4 bytes".into())
        );
        assert_eq!(s.get(String::new()).unwrap_err(), HostError::InvalidArgument("storage key is empty".into()));
        assert!(matches!(s.get("k".repeat(300)), Err(HostError::InvalidArgument(m)) if m.contains("over the limit of 256 bytes")));
    }

    #[test]
    fn no_storage_is_unavailable() {
        let mut s = HostState::new(AppContext::new("x"), &Limits::default());
        assert_eq!(s.get("k".into()).unwrap_err(), HostError::Unavailable("storage is not available in this host".into()));
    }
}
