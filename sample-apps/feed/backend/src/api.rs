//! The routes: parsing and checking each request, answering JSON (or a PNG), and the JSON
//! error every bad request gets.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::posts::{self, Post, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, POST_COUNT};

/// What every request shares: the cloud to log in through, the switch, sessions and likes.
pub(crate) struct Shared {
    pub(crate) cloud: String,
    pub(crate) appid: String,
    pub(crate) secret: Mutex<String>,
    pub(crate) down: AtomicBool,
    /// Requests answered 503 because the switch was down.
    pub(crate) refused: AtomicUsize,
    /// Session token → openid.
    sessions: Mutex<HashMap<String, String>>,
    /// openid → the ids of the posts it liked.
    likes: Mutex<HashMap<String, BTreeSet<u32>>>,
}

impl Shared {
    pub(crate) fn new(cloud: &str, appid: &str, secret: &str, down: bool) -> Shared {
        Shared {
            cloud: cloud.trim_end_matches('/').to_string(),
            appid: appid.to_string(),
            secret: Mutex::new(secret.to_string()),
            down: AtomicBool::new(down),
            refused: AtomicUsize::new(0),
            sessions: Mutex::new(HashMap::new()),
            likes: Mutex::new(HashMap::new()),
        }
    }

    /// Post `id` with its like count and whether `openid` liked it.
    fn post(&self, id: u32, openid: Option<&str>) -> Option<Post> {
        let mut p = posts::post(id)?;
        let likes = lock(&self.likes);
        p.likes = likes.values().filter(|set| set.contains(&id)).count();
        p.liked = openid.and_then(|o| likes.get(o)).is_some_and(|set| set.contains(&id));
        Some(p)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A refused request: its status and `{"error": message}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into() }
    }

    fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// The router over `shared`.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/posts", get(list))
        .route("/posts/{id}", get(one))
        .route("/posts/{id}/like", post(like).delete(unlike))
        .route("/likes", get(liked))
        .route("/images/{file}", get(picture))
        .route("/login", post(login))
        .route("/admin/down", post(go_down))
        .route("/admin/up", post(go_up))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such route; see GET /posts") })
        .layer(axum::middleware::from_fn_with_state(shared.clone(), when_down))
        .with_state(shared)
}

/// While the switch is down, everything but `/admin/*` answers 503.
async fn when_down(State(s): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    if s.down.load(Ordering::SeqCst) && !req.uri().path().starts_with("/admin/") {
        s.refused.fetch_add(1, Ordering::SeqCst);
        return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the feed back end is down for maintenance; try again soon")
            .into_response();
    }
    next.run(req).await
}

async fn go_down(State(s): State<Arc<Shared>>) -> Json<Value> {
    s.down.store(true, Ordering::SeqCst);
    Json(json!({ "down": true }))
}

async fn go_up(State(s): State<Arc<Shared>>) -> Json<Value> {
    s.down.store(false, Ordering::SeqCst);
    Json(json!({ "down": false }))
}

/// A positive whole number from a query or path parameter.
fn number(name: &str, raw: &str, max: u32) -> ApiResult<u32> {
    match raw.parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(ApiError::bad(format!("`{name}` must be a whole number from 1 to {max}, not {raw:?}"))),
    }
}

/// A post id from the path; unknown ids are 404.
fn post_id(raw: &str) -> ApiResult<u32> {
    let id = number("id", raw, u32::MAX)?;
    if id > POST_COUNT {
        return Err(ApiError::new(StatusCode::NOT_FOUND, format!("no post {id}; ids run from 1 to {POST_COUNT}")));
    }
    Ok(id)
}

/// The openid of the `Authorization: Bearer TOKEN` header; `Ok(None)` without the header.
fn user(s: &Shared, headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "the Authorization header must be `Bearer TOKEN`"))?;
    match lock(&s.sessions).get(token.trim()) {
        Some(openid) => Ok(Some(openid.clone())),
        None => Err(ApiError::new(StatusCode::UNAUTHORIZED, "unknown session token; log in again (POST /login)")),
    }
}

fn signed_in(s: &Shared, headers: &HeaderMap) -> ApiResult<String> {
    user(s, headers)?.ok_or_else(|| {
        ApiError::new(StatusCode::UNAUTHORIZED, "this needs a signed-in user: send `Authorization: Bearer TOKEN` from POST /login")
    })
}

async fn list(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(params) = query.map_err(|e| ApiError::bad(format!("bad query: {e}")))?;
    let (mut page, mut size) = (1, DEFAULT_PAGE_SIZE);
    for (k, v) in &params {
        match k.as_str() {
            "page" => page = number("page", v, u32::MAX)?,
            "size" => size = number("size", v, MAX_PAGE_SIZE)?,
            other => return Err(ApiError::bad(format!("unknown query parameter `{other}`; use page and size"))),
        }
    }
    let openid = user(&s, &headers)?;
    let posts: Vec<Post> = posts::page_ids(page, size).filter_map(|id| s.post(id, openid.as_deref())).collect();
    let more = u64::from(page) * u64::from(size) < u64::from(POST_COUNT);
    Ok(Json(json!({ "page": page, "size": size, "total": POST_COUNT, "more": more, "posts": posts })))
}

async fn one(State(s): State<Arc<Shared>>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult<Json<Post>> {
    let id = post_id(&id)?;
    let openid = user(&s, &headers)?;
    s.post(id, openid.as_deref()).map(Json).ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no post {id}")))
}

async fn picture(Path(file): Path<String>) -> ApiResult<Response> {
    let raw = file
        .strip_suffix(".png")
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no image {file:?}; images are /images/ID.png")))?;
    let id = post_id(raw)?;
    Ok(([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "public, max-age=3600")], posts::png(id)).into_response())
}

async fn set_like(s: &Shared, headers: &HeaderMap, raw: &str, on: bool) -> ApiResult<Json<Value>> {
    let id = post_id(raw)?;
    let openid = signed_in(s, headers)?;
    {
        let mut likes = lock(&s.likes);
        let set = likes.entry(openid.clone()).or_default();
        if on {
            set.insert(id);
        } else {
            set.remove(&id);
        }
    }
    let p = s.post(id, Some(&openid)).expect("checked by post_id");
    Ok(Json(json!({ "id": id, "liked": p.liked, "likes": p.likes })))
}

async fn like(State(s): State<Arc<Shared>>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    set_like(&s, &headers, &id, true).await
}

async fn unlike(State(s): State<Arc<Shared>>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    set_like(&s, &headers, &id, false).await
}

async fn liked(State(s): State<Arc<Shared>>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    let openid = signed_in(&s, &headers)?;
    let ids: Vec<u32> = lock(&s.likes).get(&openid).map(|set| set.iter().copied().collect()).unwrap_or_default();
    let posts: Vec<Post> = ids.into_iter().filter_map(|id| s.post(id, Some(&openid))).collect();
    Ok(Json(json!({ "posts": posts })))
}

async fn login(State(s): State<Arc<Shared>>, body: Result<Json<Value>, JsonRejection>) -> ApiResult<Json<Value>> {
    let Json(body) = body.map_err(|e| ApiError::bad(format!("the body must be JSON {{\"code\": \"...\"}}: {e}")))?;
    let code = body["code"]
        .as_str()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::bad("field `code` is missing: send {\"code\": \"...\"} from auth.login"))?;
    let secret = lock(&s.secret).clone();
    let answer = reqwest::Client::new()
        .post(format!("{}/auth/code2session", s.cloud))
        .json(&json!({ "appid": s.appid, "secret": secret, "code": code }))
        .send()
        .await
        .map_err(|e| ApiError::new(StatusCode::BAD_GATEWAY, format!("cloud {} unreachable: {e}", s.cloud)))?;
    let status = answer.status();
    let reply: Value = answer.json().await.unwrap_or_default();
    let openid = match reply["openid"].as_str() {
        Some(openid) if status.is_success() => openid.to_string(),
        _ => {
            let why = reply["error"].as_str().map_or_else(|| reply.to_string(), str::to_string);
            return Err(ApiError::new(StatusCode::UNAUTHORIZED, format!("the cloud refused the login code ({status}): {why}")));
        }
    };
    let token = hex::encode(rand::random::<[u8; 16]>());
    lock(&s.sessions).insert(token.clone(), openid.clone());
    tracing::info!(%openid, "signed in");
    Ok(Json(json!({ "token": token, "openid": openid })))
}

#[cfg(test)]
mod tests {
    use crate::{start, Config, Handle, POST_COUNT};
    use serde_json::{json, Value};

    fn feed() -> Handle {
        start(Config::new("http://127.0.0.1:9", "feed", "secret")).unwrap()
    }

    fn get(b: &Handle, path: &str) -> (u16, Value) {
        let r = reqwest::blocking::get(format!("{}{path}", b.origin())).unwrap();
        (r.status().as_u16(), r.json().unwrap_or(Value::Null))
    }

    fn error_of(v: &Value) -> &str {
        v["error"].as_str().unwrap_or_else(|| panic!("no JSON error in {v}"))
    }

    #[test]
    fn pages_run_to_the_end_then_come_back_empty() {
        let b = feed();
        let (code, first) = get(&b, "/posts?page=1&size=25");
        assert_eq!(code, 200);
        assert_eq!(first["posts"].as_array().unwrap().len(), 25);
        assert_eq!(first["posts"][0]["id"], 1);
        assert_eq!(first["posts"][0]["image"], "/images/1.png");
        assert_eq!(first["more"], true);
        let (_, last) = get(&b, "/posts?page=3&size=25");
        assert_eq!(last["posts"].as_array().unwrap().len(), 10);
        assert_eq!(last["more"], false);
        let (code, after) = get(&b, "/posts?page=4&size=25");
        assert_eq!(code, 200);
        assert_eq!(after["posts"], json!([]));
        let (_, default) = get(&b, "/posts");
        assert_eq!(default["size"], 10);
    }

    #[test]
    fn bad_paging_is_a_json_400_naming_the_parameter() {
        let b = feed();
        for (q, needle) in [
            ("page=0", "`page` must be a whole number"),
            ("page=x", "`page` must be a whole number"),
            ("size=51", "`size` must be a whole number from 1 to 50"),
            ("size=-1", "`size`"),
            ("limit=3", "unknown query parameter `limit`"),
        ] {
            let (code, body) = get(&b, &format!("/posts?{q}"));
            assert_eq!(code, 400, "{q}: {body}");
            assert!(error_of(&body).contains(needle), "{q}: {body}");
        }
    }

    #[test]
    fn posts_and_images_by_id_and_404s_outside() {
        let b = feed();
        assert_eq!(get(&b, "/posts/7").1["title"], "Post 7: Station");
        let (code, body) = get(&b, &format!("/posts/{}", POST_COUNT + 1));
        assert_eq!(code, 404);
        assert!(error_of(&body).contains("ids run from 1 to 60"));
        assert_eq!(get(&b, "/posts/seven").0, 400);
        let r = reqwest::blocking::get(format!("{}/images/2.png", b.origin())).unwrap();
        assert_eq!(r.headers()["content-type"], "image/png");
        let img = image::load_from_memory(&r.bytes().unwrap()).unwrap().to_rgb8();
        assert_eq!(img.get_pixel(1, 1).0, crate::post_colour(2));
        assert_eq!(get(&b, "/images/2.gif").0, 404);
        assert_eq!(get(&b, "/images/0.png").0, 400);
        assert_eq!(get(&b, "/nothing").0, 404);
    }

    #[test]
    fn likes_need_a_valid_token() {
        let b = feed();
        let c = reqwest::blocking::Client::new();
        let r = c.post(format!("{}/posts/1/like", b.origin())).send().unwrap();
        assert_eq!(r.status(), 401);
        assert!(error_of(&r.json().unwrap()).contains("Authorization: Bearer TOKEN"));
        let r = c.get(format!("{}/likes", b.origin())).bearer_auth("made-up").send().unwrap();
        assert_eq!(r.status(), 401);
        assert!(error_of(&r.json().unwrap()).contains("unknown session token"));
    }

    #[test]
    fn a_login_without_a_code_or_with_a_refused_one_is_refused() {
        let b = feed();
        let c = reqwest::blocking::Client::new();
        let r = c.post(format!("{}/login", b.origin())).json(&json!({})).send().unwrap();
        assert_eq!(r.status(), 400);
        assert!(error_of(&r.json().unwrap()).contains("`code` is missing"));
        let r = c.post(format!("{}/login", b.origin())).body("not json").send().unwrap();
        assert_eq!(r.status(), 400);
        // Nothing listens on the cloud's port 9: a 502 naming it.
        let r = c.post(format!("{}/login", b.origin())).json(&json!({"code": "abc"})).send().unwrap();
        assert_eq!(r.status(), 502);
        assert!(error_of(&r.json().unwrap()).contains("cloud http://127.0.0.1:9 unreachable"));
    }

    #[test]
    fn the_down_switch_answers_503_until_it_is_up_again() {
        let b = feed();
        b.set_down(true);
        let (code, body) = get(&b, "/posts");
        assert_eq!(code, 503);
        assert!(error_of(&body).contains("down for maintenance"));
        assert_eq!(get(&b, "/images/1.png").0, 503);
        assert_eq!(b.refused_while_down(), 2);
        let c = reqwest::blocking::Client::new();
        assert_eq!(c.post(format!("{}/admin/up", b.origin())).send().unwrap().status(), 200);
        assert_eq!(get(&b, "/posts").0, 200);
        assert_eq!(c.post(format!("{}/admin/down", b.origin())).send().unwrap().status(), 200);
        assert!(b.is_down());
    }
}
