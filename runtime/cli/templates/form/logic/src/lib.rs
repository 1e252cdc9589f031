//! The logic of __APP_NAME__: a sign-up form. Inputs and the picker and switch update the page
//! data as you go; submitting validates it: problems are listed and a toast says so, a valid
//! form asks for confirmation in a modal, and the answer arrives as a callback.

use miniapp_sdk::{export_app, json, ui, App, Event, Page, Value};

const PLANS: &[&str] = &["Free", "Pro", "Team"];

#[derive(Default)]
struct Form {
    name: String,
    email: String,
    plan: usize,
    news: bool,
    /// The page and the modal callback waiting for the answer, if any.
    confirming: Option<(Page, u32)>,
}

impl Form {
    /// What is wrong with the form, one message per problem.
    fn problems(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.name.trim().is_empty() {
            out.push("Name is required");
        }
        match self.email.split_once('@') {
            None => out.push("Email needs an @"),
            Some((user, domain)) if user.is_empty() || !domain.contains('.') => out.push("Email looks wrong"),
            Some(_) => {}
        }
        out
    }

    fn summary(&self) -> String {
        let news = if self.news { "with news" } else { "no news" };
        format!("{}, {}, {news}", self.name.trim(), PLANS[self.plan])
    }
}

fn set(page: &Page, data: Value) {
    if let Err(e) = page.set_data(data) {
        miniapp_sdk::error!("set-data failed: {e:?}");
    }
}

impl App for Form {
    fn page_load(&mut self, page: &Page, _query: &str) {
        set(page, json!({ "name": "", "email": "", "plans": PLANS, "plan": 0, "news": false, "errors": [], "status": "" }));
    }

    fn on_event(&mut self, page: &Page, handler: &str, event: Event) {
        let value = &event["detail"]["value"];
        match handler {
            "onName" => self.name = value.as_str().unwrap_or_default().to_string(),
            "onEmail" => self.email = value.as_str().unwrap_or_default().to_string(),
            "onPlan" => {
                self.plan = (value.as_u64().unwrap_or(0) as usize).min(PLANS.len() - 1);
                set(page, json!({ "plan": self.plan }));
            }
            "onNews" => {
                self.news = value.as_bool().unwrap_or(false);
                set(page, json!({ "news": self.news }));
            }
            "onSubmit" => {
                let problems = self.problems();
                set(page, json!({ "errors": problems, "status": "" }));
                if !problems.is_empty() {
                    let _ = ui::show_toast("Check the form", ui::ToastIcon::Error, 1500);
                    return;
                }
                match ui::show_modal("Sign up?", &self.summary(), true) {
                    Ok(callback) => self.confirming = Some((page.clone(), callback)),
                    Err(e) => miniapp_sdk::error!("show-modal failed: {e:?}"),
                }
            }
            other => miniapp_sdk::warn!("no handler named {other}"),
        }
    }

    fn on_callback(&mut self, callback: u32, payload: Value) {
        match &self.confirming {
            Some((_, waiting)) if *waiting == callback => {}
            _ => return,
        }
        let Some((page, _)) = self.confirming.take() else { return };
        let status = if payload["confirm"] == true { format!("Signed up: {}", self.summary()) } else { "Not sent".to_string() };
        set(&page, json!({ "status": status }));
    }
}

export_app!(Form);
