//! Asynchronous results as closures: a registry from callback id to a `FnOnce(&mut A, Value)`,
//! fed by [`export_app!`](crate::export_app)'s `on-callback`.
//!
//! # Design
//!
//! The registry is one `thread_local!` of this crate (a guest has one thread and one app), so
//! the typed wrappers ([`ui::modal`](crate::ui::modal), [`net::fetch`](crate::net::fetch), …)
//! take just the closure, and the app keeps no extra field. When `on-callback(id, payload)`
//! arrives, `export_app!` calls [`deliver`]: the closure registered for `id` is *removed from
//! the registry first* and then called with the app, so a closure may start further calls
//! (which register new closures) without a double borrow. An id without a closure, such as one
//! from the untyped `ui::show_modal`, goes to [`App::on_callback`](crate::App::on_callback) as
//! before.
//!
//! Closures are stored type-erased and checked at delivery: `A` must be the type given to
//! `export_app!`. A closure registered for another type is dropped with an error log, and its
//! payload goes to `App::on_callback`.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::Value;

/// A registered closure for app type `A`.
type Closure<A> = Box<dyn FnOnce(&mut A, Value)>;

/// A [`Closure`] erased to `Any` (a `Box<Closure<A>>`).
type Pending = Box<dyn Any>;

thread_local! {
    static PENDING: RefCell<HashMap<u32, Pending>> = RefCell::new(HashMap::new());
}

/// Run `f` with the app and the payload when callback `id` arrives (once).
///
/// This attaches a closure to any id a host call returned (timers, `set_data_then`,
/// `auth::authorize`, …); the typed wrappers use it. Registering the same id again replaces the
/// closure. `A` must be the app type given to [`export_app!`](crate::export_app).
///
/// ```no_run
/// use miniapp_sdk::{callbacks, timer, Value};
///
/// #[derive(Default)]
/// struct Clock { ticks: u32 }
///
/// let id = timer::set_timeout(500).unwrap();
/// callbacks::register(id, |app: &mut Clock, _payload: Value| app.ticks += 1);
/// ```
pub fn register<A: 'static>(id: u32, f: impl FnOnce(&mut A, Value) + 'static) {
    let boxed: Closure<A> = Box::new(f);
    PENDING.with(|p| p.borrow_mut().insert(id, Box::new(boxed)));
}

/// Forget the closure of callback `id`; returns whether there was one.
///
/// [`timer::clear`](crate::timer::clear) calls this for its timer.
pub fn cancel(id: u32) -> bool {
    PENDING.with(|p| p.borrow_mut().remove(&id).is_some())
}

/// How many closures are waiting for their callback.
pub fn pending() -> usize {
    PENDING.with(|p| p.borrow().len())
}

/// Give callback `id`'s payload to its closure, if one is registered for app type `A`.
///
/// Returns `None` when a closure took the payload, and `Some(payload)` when no closure was
/// registered for `id` (or one for another app type), so the caller can hand it on to
/// [`App::on_callback`](crate::App::on_callback). `export_app!` does exactly that; call it
/// yourself only without `export_app!` (or in tests).
///
/// ```
/// use miniapp_sdk::{callbacks, json};
///
/// let mut seen: Vec<bool> = Vec::new();
/// callbacks::register(7, |app: &mut Vec<bool>, v: miniapp_sdk::Value| app.push(v["confirm"] == true));
/// assert_eq!(callbacks::deliver(&mut seen, 7, json!({"confirm": true})), None);
/// assert_eq!(callbacks::deliver(&mut seen, 7, json!({})), Some(json!({}))); // only once
/// assert_eq!(seen, vec![true]);
/// ```
pub fn deliver<A: 'static>(app: &mut A, id: u32, payload: Value) -> Option<Value> {
    // Take the closure out before calling it: it may register new closures.
    let Some(pending) = PENDING.with(|p| p.borrow_mut().remove(&id)) else {
        return Some(payload);
    };
    match pending.downcast::<Closure<A>>() {
        Ok(f) => {
            f(app, payload);
            None
        }
        Err(_) => {
            crate::log::error(&format!(
                "callback {id} was registered for another app type than {}; it is dropped",
                std::any::type_name::<A>()
            ));
            Some(payload)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::take_log;
    use serde_json::json;

    #[derive(Default)]
    struct Fake {
        got: Vec<(u32, Value)>,
    }

    #[test]
    fn a_closure_gets_its_payload_once_then_the_id_falls_through() {
        let mut app = Fake::default();
        register(1, |a: &mut Fake, v| a.got.push((1, v)));
        assert_eq!(pending(), 1);
        assert_eq!(deliver(&mut app, 1, json!({"timer": 1})), None);
        assert_eq!(app.got, vec![(1, json!({"timer": 1}))]);
        assert_eq!(pending(), 0);
        assert_eq!(deliver(&mut app, 1, json!(2)), Some(json!(2)));
    }

    #[test]
    fn a_closure_may_register_another_while_it_runs() {
        let mut app = Fake::default();
        register(1, |a: &mut Fake, v| {
            a.got.push((1, v));
            register(2, |a: &mut Fake, v| a.got.push((2, v)));
        });
        assert_eq!(deliver(&mut app, 1, json!("a")), None);
        assert_eq!(deliver(&mut app, 2, json!("b")), None);
        assert_eq!(app.got, vec![(1, json!("a")), (2, json!("b"))]);
    }

    #[test]
    fn cancel_forgets_the_closure() {
        let mut app = Fake::default();
        register(5, |a: &mut Fake, v| a.got.push((5, v)));
        assert!(cancel(5));
        assert!(!cancel(5));
        assert_eq!(deliver(&mut app, 5, json!(null)), Some(json!(null)));
        assert!(app.got.is_empty());
    }

    #[test]
    fn a_closure_for_another_app_type_is_dropped_with_an_error() {
        register(3, |_: &mut String, _| panic!("must not run"));
        let mut app = Fake::default();
        assert_eq!(deliver(&mut app, 3, json!(1)), Some(json!(1)));
        assert_eq!(pending(), 0);
        let log = take_log();
        assert_eq!(log.len(), 1);
        assert!(log[0].starts_with("error: callback 3 was registered for another app type than "), "{log:?}");
    }
}
