//! The feed sample's logic: posts from the app's own back end (`sample-apps/feed/backend`),
//! page by page.
//!
//! - **List** (`pages/list/list`): page 1 on load; pull down (`onPullDownRefresh`) loads page 1
//!   again; reaching the bottom (`onReachBottom`) loads the next page until the back end says
//!   there is no more. Each post shows its picture, a remote `<image>` from the back end.
//!   Loading, empty and error states; the error state's Retry loads again (and signs in again
//!   if that failed too).
//! - **Detail** (`pages/detail/detail?id=N`): one post; Like / Unlike for the signed-in user.
//! - **My likes** (`pages/likes/likes`): the signed-in user's likes: each user has their own.
//! - **Login**: at launch, `auth::login` gives a code, `POST {backend}/login` exchanges it (the
//!   back end asks the cloud's code2session) for a session token sent as
//!   `Authorization: Bearer TOKEN` with every request.
//!
//! The back end's origin comes from the launch query (`…/apps/feed?query=backend%3Dhttp%3A%2F%2F127.0.0.1%3A8082`),
//! else [`DEFAULT_BACKEND`]; either must be declared in `app.json` `network.request`.

use std::collections::HashMap;

use miniapp_sdk::auth::{self, LoginCode, LoginError};
use miniapp_sdk::net::{self, NetError, RequestOptions, Response};
use miniapp_sdk::{export_app, json, nav, ui, App, Event, Page, Value};

/// The back end when the launch query names none.
const DEFAULT_BACKEND: &str = "https://feed.example.com";
/// Posts per page asked of the back end.
const PAGE_SIZE: u32 = 10;
/// Timeout of each request, ms.
const TIMEOUT_MS: u32 = 10_000;

/// The list page's state.
#[derive(Default)]
struct List {
    page: Option<Page>,
    posts: Vec<Value>,
    /// The next page to ask for (pages start at 1).
    next: u32,
    more: bool,
    /// A request for the list is on its way (its generation).
    busy: Option<u32>,
}

#[derive(Default)]
struct Feed {
    backend: String,
    token: Option<String>,
    /// `Signed in`, `Signing in…` or `Not signed in`.
    user: String,
    signing_in: bool,
    list: List,
    /// Bumped by each reload: answers of an older generation are dropped.
    generation: u32,
    /// Open detail pages: page id → (post id, whether the user likes it).
    details: HashMap<u32, (u32, bool)>,
    likes_page: Option<Page>,
    /// A detail page whose Like was tapped while signing in: liked once signed in.
    like_after_sign_in: Option<Page>,
}

fn query_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query.split('&').find_map(|kv| kv.split_once('=').filter(|(k, _)| *k == key).map(|(_, v)| v))
}

/// `data-id` of the element the event was bound on.
fn target_id(event: &Event) -> Option<u32> {
    let id = &event["currentTarget"]["dataset"]["id"];
    id.as_u64().map(|n| n as u32).or_else(|| id.as_str().and_then(|s| s.parse().ok()))
}

fn set(page: &Page, patch: Value) {
    if let Err(e) = page.set_data(patch) {
        miniapp_sdk::error!("set-data on {} failed: {e:?}", page.route());
    }
}

/// The friendly text of a failed request: the back end's `{"error"}` or the network's reason.
fn why(r: &Result<Response, NetError>) -> String {
    match r {
        Ok(resp) => {
            let body: Value = resp.json().unwrap_or(Value::Null);
            match (resp.status, body["error"].as_str()) {
                (503, _) => "The feed is down for maintenance. Try again in a moment.".to_string(),
                (_, Some(e)) => format!("{e} (status {})", resp.status),
                (s, None) => format!("The back end answered status {s}."),
            }
        }
        Err(e) => format!("Cannot reach the feed ({e})."),
    }
}

/// The body of a 2xx answer as JSON, or the friendly reason it is not one.
fn ok_json(r: Result<Response, NetError>) -> Result<Value, String> {
    match &r {
        Ok(resp) if resp.is_success() => resp.json::<Value>().map_err(|e| format!("The back end sent bad JSON at {e}.")),
        _ => Err(why(&r)),
    }
}

impl Feed {
    fn request(&self, method: &str, path: &str, body: Option<Value>) -> RequestOptions {
        let mut headers = vec![];
        if let Some(t) = &self.token {
            headers.push(("authorization".to_string(), format!("Bearer {t}")));
        }
        if body.is_some() {
            headers.push(("content-type".to_string(), "application/json".to_string()));
        }
        RequestOptions {
            url: format!("{}{path}", self.backend),
            method: method.into(),
            headers,
            body: body.map(|b| b.to_string().into_bytes()),
            timeout_ms: TIMEOUT_MS,
        }
    }

    /// A post as the templates show it: its picture's full URL on the back end.
    fn view_of(&self, post: &Value) -> Value {
        let mut p = post.clone();
        if let Some(path) = post["image"].as_str() {
            p["image"] = Value::String(format!("{}{path}", self.backend));
        }
        p
    }

    fn show_user(&self) {
        for page in [self.list.page.as_ref(), self.likes_page.as_ref()].into_iter().flatten() {
            set(page, json!({ "user": self.user }));
        }
    }

    // --- login ---------------------------------------------------------------------------

    fn sign_in(&mut self) {
        if self.signing_in || self.token.is_some() {
            return;
        }
        self.signing_in = true;
        self.user = "Signing in…".into();
        self.show_user();
        let started = auth::login_then(|app: &mut Feed, r: Result<LoginCode, LoginError>| match r {
            Ok(code) => {
                let options = app.request("POST", "/login", Some(json!({ "code": code.code })));
                let sent = net::fetch(&options, |app: &mut Feed, r| {
                    app.signing_in = false;
                    match ok_json(r) {
                        Ok(body) => {
                            app.token = body["token"].as_str().map(str::to_string);
                            let openid = body["openid"].as_str().unwrap_or("?");
                            miniapp_sdk::info!("signed in as openid={openid}");
                            app.user = "Signed in".into();
                            app.show_user();
                            app.refresh_likes();
                            if let Some(page) = app.like_after_sign_in.take() {
                                app.toggle_like(&page);
                            }
                        }
                        Err(e) => app.not_signed_in(&e),
                    }
                });
                if let Err(e) = sent {
                    app.signing_in = false;
                    app.not_signed_in(&format!("{e:?}"));
                }
            }
            Err(e) => {
                app.signing_in = false;
                app.not_signed_in(&e.to_string());
            }
        });
        if let Err(e) = started {
            self.signing_in = false;
            self.not_signed_in(&format!("{e:?}"));
        }
    }

    fn not_signed_in(&mut self, why: &str) {
        miniapp_sdk::warn!("not signed in: {why}");
        self.like_after_sign_in = None;
        self.user = "Not signed in".into();
        self.show_user();
    }

    // --- the list ------------------------------------------------------------------------

    /// Loads page 1 again (launch, pull-down, Retry).
    fn reload(&mut self) {
        self.generation += 1;
        self.list.next = 1;
        self.list.busy = None;
        if self.list.posts.is_empty() {
            if let Some(page) = &self.list.page {
                set(page, json!({ "loading": true, "failed": false }));
            }
        }
        self.load_page();
    }

    fn load_page(&mut self) {
        if self.list.busy.is_some() {
            return;
        }
        let (generation, number) = (self.generation, self.list.next);
        self.list.busy = Some(generation);
        if number > 1 {
            if let Some(page) = &self.list.page {
                set(page, json!({ "footer": "Loading more…" }));
            }
        }
        let options = self.request("GET", &format!("/posts?page={number}&size={PAGE_SIZE}"), None);
        let sent = net::fetch(&options, move |app: &mut Feed, r| {
            if generation != app.generation {
                return; // a reload started since
            }
            app.list.busy = None;
            // The answer ends a pull-down refresh, if one shows (nothing happens otherwise).
            nav::stop_pull_down_refresh();
            match ok_json(r) {
                Ok(body) => app.got_page(number, &body),
                Err(e) => app.list_failed(number, &e),
            }
        });
        if let Err(e) = sent {
            self.list.busy = None;
            nav::stop_pull_down_refresh();
            self.list_failed(number, &format!("{e:?}"));
        }
    }

    fn got_page(&mut self, number: u32, body: &Value) {
        let posts: Vec<Value> = body["posts"].as_array().map(|a| a.iter().map(|p| self.view_of(p)).collect()).unwrap_or_default();
        miniapp_sdk::info!("page {number}: {} posts", posts.len());
        if number == 1 {
            self.list.posts = posts;
        } else {
            self.list.posts.extend(posts);
        }
        self.list.more = body["more"] == true;
        self.list.next = number + 1;
        let footer = if self.list.more { "Scroll down for more" } else { "That's everything" };
        if let Some(page) = &self.list.page {
            set(page, json!({ "loading": false, "failed": false, "posts": self.list.posts, "footer": footer }));
        }
    }

    fn list_failed(&mut self, number: u32, why: &str) {
        miniapp_sdk::warn!("loading page {number} failed: {why}");
        let Some(page) = &self.list.page else { return };
        if number == 1 || self.list.posts.is_empty() {
            self.list.posts.clear();
            set(page, json!({ "loading": false, "failed": true, "error": why, "posts": [] }));
        } else {
            // The posts already shown stay; the footer says what went wrong.
            set(page, json!({ "footer": format!("Couldn't load more: {why}") }));
        }
    }

    // --- a post --------------------------------------------------------------------------

    fn load_detail(&mut self, page: &Page) {
        let Some(&(id, _)) = self.details.get(&page.id()) else { return };
        set(page, json!({ "loading": true, "failed": false }));
        let page = page.clone();
        let options = self.request("GET", &format!("/posts/{id}"), None);
        let sent = net::fetch(&options, move |app: &mut Feed, r| match ok_json(r) {
            Ok(post) => {
                if let Some(d) = app.details.get_mut(&page.id()) {
                    d.1 = post["liked"] == true;
                }
                set(&page, json!({ "loading": false, "failed": false, "post": app.view_of(&post) }));
            }
            Err(e) => set(&page, json!({ "loading": false, "failed": true, "error": e })),
        });
        if let Err(e) = sent {
            miniapp_sdk::error!("loading post {id}: {e:?}");
        }
    }

    fn toggle_like(&mut self, page: &Page) {
        let Some(&(id, liked)) = self.details.get(&page.id()) else { return };
        if self.token.is_none() {
            if !self.signing_in {
                let _ = ui::show_toast("Signing in…", ui::ToastIcon::Loading, 0);
            }
            self.like_after_sign_in = Some(page.clone());
            self.sign_in();
            return;
        }
        let options = self.request(if liked { "DELETE" } else { "POST" }, &format!("/posts/{id}/like"), None);
        let page = page.clone();
        let sent = net::fetch(&options, move |app: &mut Feed, r| match ok_json(r) {
            Ok(body) => {
                if let Some(d) = app.details.get_mut(&page.id()) {
                    d.1 = body["liked"] == true;
                }
                set(&page, json!({ "post.liked": body["liked"], "post.likes": body["likes"] }));
                let shown = if body["liked"] == true { "Liked" } else { "Unliked" };
                let _ = ui::show_toast(shown, ui::ToastIcon::Success, 0);
                app.mark_in_list(id, &body);
                app.refresh_likes();
            }
            Err(e) => {
                let _ = ui::show_toast("Couldn't save", ui::ToastIcon::Error, 0);
                miniapp_sdk::warn!("like of post {id} failed: {e}");
            }
        });
        if let Err(e) = sent {
            miniapp_sdk::error!("liking post {id}: {e:?}");
        }
    }

    /// The list row of post `id` shows its new like count.
    fn mark_in_list(&mut self, id: u32, body: &Value) {
        let Some(i) = self.list.posts.iter().position(|p| p["id"] == id) else { return };
        self.list.posts[i]["liked"] = body["liked"].clone();
        self.list.posts[i]["likes"] = body["likes"].clone();
        if let Some(page) = &self.list.page {
            set(page, json!({ format!("posts[{i}].liked"): body["liked"], format!("posts[{i}].likes"): body["likes"] }));
        }
    }

    // --- my likes ------------------------------------------------------------------------

    fn refresh_likes(&mut self) {
        let Some(page) = self.likes_page.clone() else { return };
        if self.token.is_none() {
            set(&page, json!({ "loading": false, "failed": true, "error": "Sign in to see your likes.", "posts": [] }));
            nav::stop_pull_down_refresh();
            self.sign_in();
            return;
        }
        let options = self.request("GET", "/likes", None);
        let sent = net::fetch(&options, move |app: &mut Feed, r| {
            nav::stop_pull_down_refresh();
            match ok_json(r) {
                Ok(body) => {
                    let posts: Vec<Value> = body["posts"].as_array().map(|a| a.iter().map(|p| app.view_of(p)).collect()).unwrap_or_default();
                    set(&page, json!({ "loading": false, "failed": false, "posts": posts }));
                }
                Err(e) => set(&page, json!({ "loading": false, "failed": true, "error": e })),
            }
        });
        if let Err(e) = sent {
            nav::stop_pull_down_refresh();
            miniapp_sdk::error!("loading likes: {e:?}");
        }
    }
}

impl App for Feed {
    fn on_launch(&mut self, query: &str) {
        self.backend = query_value(query, "backend").unwrap_or(DEFAULT_BACKEND).trim_end_matches('/').to_string();
        miniapp_sdk::info!("feed launched; back end {}", self.backend);
        self.sign_in();
    }

    fn page_load(&mut self, page: &Page, query: &str) {
        match page.route() {
            "pages/list/list" => {
                self.list.page = Some(page.clone());
                set(page, json!({ "user": self.user, "loading": true, "failed": false, "posts": [], "footer": "" }));
                self.reload();
            }
            "pages/detail/detail" => {
                let id = query_value(query, "id").and_then(|v| v.parse().ok()).unwrap_or(0);
                self.details.insert(page.id(), (id, false));
                self.load_detail(page);
            }
            "pages/likes/likes" => {
                self.likes_page = Some(page.clone());
                set(page, json!({ "user": self.user, "loading": true, "failed": false, "posts": [] }));
                self.refresh_likes();
            }
            other => miniapp_sdk::warn!("unknown page {other}"),
        }
    }

    fn page_unload(&mut self, page: &Page) {
        self.details.remove(&page.id());
        if self.likes_page.as_ref().is_some_and(|p| p.id() == page.id()) {
            self.likes_page = None;
        }
    }

    fn on_event(&mut self, page: &Page, handler: &str, event: Event) {
        match handler {
            "onOpen" => {
                if let Some(id) = target_id(&event) {
                    if let Err(e) = nav::navigate_to(&format!("pages/detail/detail?id={id}")) {
                        miniapp_sdk::error!("opening post {id}: {e:?}");
                    }
                }
            }
            "onOpenLikes" => {
                if let Err(e) = nav::navigate_to("pages/likes/likes") {
                    miniapp_sdk::error!("opening my likes: {e:?}");
                }
            }
            "onRetry" => {
                if self.token.is_none() {
                    self.sign_in();
                }
                match page.route() {
                    "pages/detail/detail" => self.load_detail(page),
                    "pages/likes/likes" => self.refresh_likes(),
                    _ => self.reload(),
                }
            }
            "onLike" => self.toggle_like(page),
            other => miniapp_sdk::warn!("no handler named {other}"),
        }
    }

    fn on_pull_down_refresh(&mut self, page: &Page) {
        match page.route() {
            "pages/likes/likes" => self.refresh_likes(),
            _ => {
                miniapp_sdk::info!("refreshing the feed");
                self.reload();
            }
        }
    }

    fn on_reach_bottom(&mut self, page: &Page) {
        if page.route() == "pages/list/list" && self.list.more {
            self.load_page();
        }
    }
}

export_app!(Feed);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_found_by_key() {
        assert_eq!(query_value("backend=http://127.0.0.1:1&x=2", "backend"), Some("http://127.0.0.1:1"));
        assert_eq!(query_value("id=3", "backend"), None);
    }

    #[test]
    fn a_503_is_a_friendly_message() {
        let r = Ok(Response { status: 503, headers: Default::default(), body: r#"{"error":"down"}"#.into() });
        assert!(why(&r).starts_with("The feed is down for maintenance"));
        let r = Ok(Response { status: 404, headers: Default::default(), body: r#"{"error":"no post 99"}"#.into() });
        assert_eq!(why(&r), "no post 99 (status 404)");
    }
}
