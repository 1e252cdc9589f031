//! Handlers by name: [`Handlers`] maps a template's handler names (`bind:tap="onAdd"`) to Rust
//! functions that take a [`TypedEvent`] with a typed `detail`.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::EventError;
use crate::event::TypedEvent;
use crate::Page;

/// One registered handler, with its detail type erased.
type Erased<A, C> = Box<dyn Fn(&mut A, &C, Value) -> Result<(), EventError>>;

/// A registry of event handlers by name, for app type `A` and context `C` ([`Page`] for page
/// events, [`Component`](crate::Component) for `component_event`).
///
/// Each handler decodes the event into a [`TypedEvent<D>`] with its own `D`;
/// [`Handlers::dispatch`] runs the one named by the template. Build it where it is used: handlers
/// are usually non-capturing closures or `fn`s, which box without allocating, so building the
/// registry in every `on_event` costs one small vector; to build it once, keep it in a
/// `thread_local!`.
///
/// ```no_run
/// use miniapp_sdk::{App, Event, Handlers, Page, Patch, TypedEvent};
///
/// #[derive(serde::Deserialize)]
/// struct Input { value: String }
///
/// #[derive(Default)]
/// struct Todos { draft: String, count: u32 }
///
/// impl App for Todos {
///     fn on_event(&mut self, page: &Page, handler: &str, event: Event) {
///         Handlers::new()
///             .on("onInput", |app: &mut Todos, _page: &Page, e: TypedEvent<Input>| {
///                 app.draft = e.detail.value;
///             })
///             .on("onAdd", |app: &mut Todos, page: &Page, _e: TypedEvent| {
///                 app.count += 1;
///                 page.apply(Patch::new().set("count", app.count)).ok();
///             })
///             .dispatch(self, page, handler, event);
///     }
/// }
/// ```
pub struct Handlers<A, C = Page> {
    entries: Vec<(String, Erased<A, C>)>,
}

/// What [`Handlers::dispatch`] did with an event.
#[derive(Debug, Clone, PartialEq)]
#[must_use = "an unknown handler or a bad payload is only logged; match on it to do more"]
pub enum Dispatch {
    /// A handler of that name ran.
    Handled,
    /// No handler has that name (logged at warn).
    Unknown(String),
    /// The handler exists but the event did not decode into its type (logged at warn); the
    /// handler did not run.
    BadPayload {
        /// The handler's name.
        handler: String,
        /// What did not match, with its path (`detail.value`).
        error: EventError,
    },
}

impl<A, C> Default for Handlers<A, C> {
    fn default() -> Self {
        Handlers { entries: Vec::new() }
    }
}

impl<A, C> std::fmt::Debug for Handlers<A, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.entries.iter().map(|(name, _)| name)).finish()
    }
}

impl<A, C> Handlers<A, C> {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Register `handler` under `name`; the event's `detail` is decoded as `D` before it runs.
    /// A second handler with the same name replaces the first.
    ///
    /// ```
    /// use miniapp_sdk::{Handlers, Page, TypedEvent};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Toggle { id: u64 }
    ///
    /// fn on_toggle(app: &mut Vec<u64>, _page: &Page, e: TypedEvent<Toggle>) {
    ///     app.push(e.detail.id);
    /// }
    ///
    /// let handlers = Handlers::<Vec<u64>>::new().on("onToggle", on_toggle);
    /// assert!(handlers.contains("onToggle"));
    /// ```
    pub fn on<D, F>(mut self, name: impl Into<String>, handler: F) -> Self
    where
        D: DeserializeOwned + 'static,
        F: Fn(&mut A, &C, TypedEvent<D>) + 'static,
    {
        let name = name.into();
        let erased: Erased<A, C> = Box::new(move |app, ctx, event| {
            let event = TypedEvent::<D>::from_value(event)?;
            handler(app, ctx, event);
            Ok(())
        });
        match self.entries.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = erased,
            None => self.entries.push((name, erased)),
        }
        self
    }

    /// Whether a handler is registered under `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|(n, _)| n == name)
    }

    /// Decode `event` for the handler named `handler` and run it with `app` and `ctx`.
    ///
    /// An unknown name and an event that does not decode are logged at warn level with the
    /// handler's name (`no handler "onFoo" (handlers: onAdd, onInput)`, `handler "onAdd": bad
    /// event payload at detail.text: …`) and returned, so the app may also show them.
    pub fn dispatch(&self, app: &mut A, ctx: &C, handler: &str, event: Value) -> Dispatch {
        let Some((_, run)) = self.entries.iter().find(|(n, _)| n == handler) else {
            let known: Vec<&str> = self.entries.iter().map(|(n, _)| n.as_str()).collect();
            crate::log::warn(&format!("no handler \"{handler}\" (handlers: {})", known.join(", ")));
            return Dispatch::Unknown(handler.to_owned());
        };
        match run(app, ctx, event) {
            Ok(()) => Dispatch::Handled,
            Err(error) => {
                crate::log::warn(&format!("handler \"{handler}\": bad event payload at {error}"));
                Dispatch::BadPayload { handler: handler.to_owned(), error }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{page, take_log};
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Default)]
    struct Fake {
        added: Vec<String>,
        taps: u32,
    }

    #[derive(Deserialize)]
    struct Add {
        text: String,
    }

    fn handlers() -> Handlers<Fake> {
        Handlers::new()
            .on("onAdd", |app: &mut Fake, page: &Page, e: TypedEvent<Add>| {
                app.added.push(format!("{}:{}", page.id(), e.detail.text));
            })
            .on("onTap", |app: &mut Fake, _: &Page, _: TypedEvent| app.taps += 1)
    }

    #[test]
    fn dispatch_runs_the_named_handler_with_its_typed_detail() {
        let mut app = Fake::default();
        let h = handlers();
        let d = h.dispatch(&mut app, &page(4), "onAdd", json!({"type": "tap", "detail": {"text": "milk"}}));
        assert_eq!(d, Dispatch::Handled);
        assert_eq!(h.dispatch(&mut app, &page(4), "onTap", json!({"type": "tap"})), Dispatch::Handled);
        assert_eq!(app.added, vec!["4:milk"]);
        assert_eq!(app.taps, 1);
        assert!(take_log().is_empty());
    }

    #[test]
    fn unknown_handler_is_returned_and_logged_at_warn() {
        let mut app = Fake::default();
        let d = handlers().dispatch(&mut app, &page(1), "onNope", json!({}));
        assert_eq!(d, Dispatch::Unknown("onNope".into()));
        assert_eq!(take_log(), vec!["warn: no handler \"onNope\" (handlers: onAdd, onTap)"]);
    }

    #[test]
    fn bad_payload_does_not_run_the_handler_and_names_handler_and_path() {
        let mut app = Fake::default();
        let d = handlers().dispatch(&mut app, &page(1), "onAdd", json!({"detail": {"text": 5}}));
        let Dispatch::BadPayload { handler, error } = d else { panic!("expected a bad payload") };
        assert_eq!(handler, "onAdd");
        assert_eq!(error.path, "detail.text");
        assert!(app.added.is_empty());
        assert_eq!(
            take_log(),
            vec!["warn: handler \"onAdd\": bad event payload at detail.text: invalid type: integer `5`, expected a string"]
        );
    }

    #[test]
    fn a_second_handler_of_the_same_name_replaces_the_first() {
        let mut app = Fake::default();
        let h = handlers().on("onTap", |app: &mut Fake, _: &Page, _: TypedEvent<()>| app.taps += 10);
        let _ = h.dispatch(&mut app, &page(1), "onTap", json!({}));
        assert_eq!(app.taps, 10);
        assert_eq!(format!("{h:?}"), r#"["onAdd", "onTap"]"#);
    }

    #[test]
    fn component_handlers_get_the_component() {
        let mut seen = Vec::new();
        let h = Handlers::<Vec<u32>, crate::Component>::new()
            .on("onTap", |app: &mut Vec<u32>, c: &crate::Component, _: TypedEvent| app.push(c.id()));
        let _ = h.dispatch(&mut seen, &crate::Component::from_id(9), "onTap", json!({}));
        assert_eq!(seen, vec![9]);
    }
}
