//! The todo sample: add with the input (the Add button or Enter), complete with a checkbox,
//! delete with ✕, filter all / active / done, counts; the list is kept in the app's storage, so
//! it survives a relaunch. Each row is the custom component `todo-item`: its checkbox and ✕
//! reach [`App::component_event`], which raises `toggle` / `remove` to the page.

use miniapp_sdk::{export_app, json, storage, App, Component, Event, Page, Value};

/// The storage key of the list.
const KEY: &str = "todos";
/// Longest todo text kept (longer input is cut, on a char boundary).
const MAX_TEXT_CHARS: usize = 200;

#[derive(Clone)]
struct Todo {
    id: u64,
    text: String,
    done: bool,
}

#[derive(Default)]
struct Todos {
    todos: Vec<Todo>,
    next_id: u64,
    draft: String,
    filter: Filter,
}

#[derive(Default, Clone, Copy, PartialEq)]
enum Filter {
    #[default]
    All,
    Active,
    Done,
}

impl Filter {
    fn name(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Active => "active",
            Filter::Done => "done",
        }
    }

    fn parse(s: &str) -> Filter {
        match s {
            "active" => Filter::Active,
            "done" => Filter::Done,
            _ => Filter::All,
        }
    }

    fn keeps(self, t: &Todo) -> bool {
        match self {
            Filter::All => true,
            Filter::Active => !t.done,
            Filter::Done => t.done,
        }
    }
}

impl Todos {
    fn load(&mut self) {
        let saved = match storage::get_json(KEY) {
            Ok(v) => v,
            Err(e) => {
                miniapp_sdk::warn!("storage unavailable, starting empty: {e:?}");
                None
            }
        };
        self.todos = saved
            .as_ref()
            .and_then(|v| v["items"].as_array())
            .map(|items| {
                items
                    .iter()
                    .filter_map(|t| {
                        Some(Todo { id: t["id"].as_u64()?, text: t["text"].as_str()?.to_owned(), done: t["done"].as_bool().unwrap_or(false) })
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.next_id = self.todos.iter().map(|t| t.id + 1).max().unwrap_or(1);
    }

    fn save(&self) {
        let items: Vec<Value> = self.todos.iter().map(|t| json!({ "id": t.id, "text": t.text, "done": t.done })).collect();
        if let Err(e) = storage::set_json(KEY, &json!({ "items": items })) {
            miniapp_sdk::error!("saving the list failed: {e:?}");
        }
    }

    /// The whole page state: the list, what the filter shows, the counts.
    fn show(&self, page: &Page) {
        let item = |t: &Todo| json!({ "id": t.id, "text": t.text, "done": t.done });
        let done = self.todos.iter().filter(|t| t.done).count();
        let patch = json!({
            "todos": self.todos.iter().map(item).collect::<Vec<_>>(),
            "shown": self.todos.iter().filter(|t| self.filter.keeps(t)).map(item).collect::<Vec<_>>(),
            "left": self.todos.len() - done,
            "done": done,
            "filter": self.filter.name(),
            "draft": self.draft,
        });
        if let Err(e) = page.set_data(patch) {
            miniapp_sdk::error!("set-data failed: {e:?}");
        }
    }

    fn add(&mut self) {
        let text: String = self.draft.trim().chars().take(MAX_TEXT_CHARS).collect();
        self.draft.clear();
        if text.is_empty() {
            return;
        }
        self.todos.push(Todo { id: self.next_id, text, done: false });
        self.next_id += 1;
        self.save();
    }
}

/// `data-id` of the element the event was bound on (a number, or a number in a string).
fn target_id(event: &Event) -> Option<u64> {
    let id = &event["currentTarget"]["dataset"]["id"];
    id.as_u64().or_else(|| id.as_str().and_then(|s| s.parse().ok()))
}

impl App for Todos {
    fn on_launch(&mut self, _query: &str) {
        self.load();
        miniapp_sdk::info!("todo launched with {} saved items", self.todos.len());
    }

    fn page_load(&mut self, page: &Page, _query: &str) {
        self.show(page);
    }

    fn on_event(&mut self, page: &Page, handler: &str, event: Event) {
        match handler {
            "onDraft" => {
                // Two-way binding: the data follows the field, so that setting `draft` back to
                // "" after Add is a change the field sees (and empties itself).
                self.draft = event["detail"]["value"].as_str().unwrap_or_default().to_owned();
                if let Err(e) = page.set_data(json!({ "draft": self.draft })) {
                    miniapp_sdk::error!("set-data failed: {e:?}");
                }
                return;
            }
            "onAdd" => {
                if let Some(v) = event["detail"]["value"].as_str() {
                    self.draft = v.to_owned(); // Enter: confirm carries the field's text
                }
                self.add();
            }
            "onToggle" => {
                // raised by a todo-item: `detail.done`; the row's `data-id` is on its host
                let done = event["detail"]["done"].as_bool().unwrap_or(false);
                if let Some(t) = target_id(&event).and_then(|id| self.todos.iter_mut().find(|t| t.id == id)) {
                    t.done = done;
                }
                self.save();
            }
            "onDelete" => {
                if let Some(id) = target_id(&event) {
                    self.todos.retain(|t| t.id != id);
                }
                self.save();
            }
            "onFilter" => {
                self.filter = Filter::parse(event["currentTarget"]["dataset"]["filter"].as_str().unwrap_or("all"));
            }
            "onClearDone" => {
                self.todos.retain(|t| !t.done);
                self.save();
            }
            other => miniapp_sdk::warn!("todo: no handler {other}"),
        }
        self.show(page);
    }

    /// Events inside a `todo-item`: its checkbox-group changed, or its ✕ was tapped. The
    /// component tells its page (`bind:toggle` / `bind:remove` on the tag).
    fn component_event(&mut self, component: &Component, handler: &str, event: Event) {
        let raised = match handler {
            "onTick" => {
                let done = event["detail"]["value"].as_array().is_some_and(|v| !v.is_empty());
                component.trigger_event("toggle", json!({ "done": done }))
            }
            "onRemove" => component.trigger_event("remove", json!({})),
            other => {
                miniapp_sdk::warn!("todo-item: no handler {other}");
                Ok(())
            }
        };
        if let Err(e) = raised {
            miniapp_sdk::error!("todo-item {}: trigger-event failed: {e:?}", component.id());
        }
    }
}

export_app!(Todos);
