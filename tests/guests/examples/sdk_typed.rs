//! An app written with the SDK's typed layer: typed page data, handlers by name with typed
//! details, and asynchronous answers as closures (modal, timer, request).

use miniapp_sdk::{export_app, net, timer, ui, App, Deserialize, Event, Handlers, Page, Patch, Serialize, TypedEvent};

#[derive(Serialize)]
#[serde(crate = "miniapp_sdk::serde")]
struct View<'a> {
    count: i64,
    name: &'a str,
}

#[derive(Deserialize)]
#[serde(crate = "miniapp_sdk::serde")]
struct Input {
    value: String,
}

#[derive(Deserialize)]
#[serde(crate = "miniapp_sdk::serde")]
struct Step {
    step: i64,
}

#[derive(Default)]
struct Typed {
    count: i64,
    name: String,
}

impl App for Typed {
    fn page_load(&mut self, page: &Page, _query: &str) {
        page.set(&View { count: self.count, name: &self.name }).ok();
    }

    fn on_event(&mut self, page: &Page, handler: &str, event: Event) {
        let outcome = Handlers::new()
            .on("onInput", |app: &mut Typed, page: &Page, e: TypedEvent<Input>| {
                app.name = e.detail.value;
                page.apply(Patch::new().set("name", &app.name)).ok();
            })
            .on("onStep", |app: &mut Typed, page: &Page, e: TypedEvent<Step>| {
                app.count += e.detail.step;
                page.apply(Patch::new().set("count", app.count)).ok();
            })
            .on("onAsk", |_: &mut Typed, page: &Page, _: TypedEvent<()>| {
                let page = page.clone();
                ui::modal("Reset?", "The count goes back to 0", true, move |app: &mut Typed, a: ui::ModalAnswer| {
                    if a.confirm {
                        app.count = 0;
                        page.apply(Patch::new().set("count", 0)).ok();
                    }
                })
                .ok();
            })
            .on("onLater", |_: &mut Typed, page: &Page, _: TypedEvent| {
                let page = page.clone();
                timer::after(10, move |app: &mut Typed| {
                    app.count += 100;
                    page.apply(Patch::new().set("count", app.count)).ok();
                })
                .ok();
            })
            .on("onFetch", |_: &mut Typed, _: &Page, _: TypedEvent| {
                net::get_then("https://api.example.com/n", |app: &mut Typed, r: Result<net::Response, net::NetError>| {
                    match r {
                        Ok(resp) => app.count = resp.json::<i64>().unwrap_or(-1),
                        Err(e) => miniapp_sdk::warn!("fetch failed: {e}"),
                    }
                })
                .ok();
            })
            .dispatch(self, page, handler, event);
        miniapp_sdk::info!("dispatch {handler}: {outcome:?}");
    }

    fn on_callback(&mut self, callback: u32, payload: miniapp_sdk::Value) {
        miniapp_sdk::info!("untyped callback {callback} {payload}");
    }
}

export_app!(Typed);
