//! Login (`docs/auth.md`): a code from `POST /auth/login`, signed by the user's key, is exchanged
//! once by the developer's back end, with the app secret, for an openid that is stable per app and
//! user and different between apps. Every refusal is a 4xx JSON error naming the rule.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ed25519_dalek::Signer;
use miniapp_cloud::auth::{login_message, openid};
use miniapp_cloud::{AppStatus, Error, UserKey};
use reqwest::blocking::Client;
use reqwest::StatusCode;

use crate::helpers::*;

/// Publishes `appid` 1.0.0 and returns the app secret from its first receipt.
fn publish_app(env: &Env, appid: &str) -> String {
    env.publish(&bundle(appid, "1.0.0")).app_secret.expect("the first publish carries the app secret")
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64
}

/// The cloud's message and status of a refusal through the client.
fn refusal(e: Error) -> (u16, String) {
    match e {
        Error::Refused { status, message, .. } => (status, message),
        other => panic!("expected a refusal, got {other}"),
    }
}

fn post(env: &Env, route: &str, body: &serde_json::Value) -> (StatusCode, String) {
    let resp = Client::new().post(format!("{}{route}", env.url())).json(body).send().unwrap();
    let status = resp.status();
    let body: serde_json::Value = resp.json().unwrap();
    (status, body["error"].as_str().unwrap_or_default().to_string())
}

#[test]
fn login_then_code2session_gives_an_openid_stable_per_app_and_user() {
    let env = env();
    let secret = publish_app(&env, "counter");
    assert_eq!(secret.len(), 32);
    assert_eq!(env.publish(&bundle("counter", "1.1.0")).app_secret, None, "only the first publish shows the secret");
    assert_eq!(env.client.app_secret(&env.url(), "test-token", "counter").unwrap(), secret);

    let user = UserKey::generate();
    let code = env.client.login_code(&env.url(), "counter", &user).unwrap();
    assert_eq!(code.expires_in, 300);
    assert!(code.code.len() == 64 && code.code.bytes().all(|b| b.is_ascii_hexdigit()), "{}", code.code);
    let first = env.client.code2session(&env.url(), "counter", &secret, &code.code).unwrap();
    assert_eq!(first.openid.len(), 28);
    assert_eq!(first.openid, openid("counter", &user.public_hex()), "the documented derivation");
    assert!(!first.session_key.is_empty());

    let again = env.client.login_code(&env.url(), "counter", &user).unwrap();
    assert_ne!(again.code, code.code);
    let second = env.client.code2session(&env.url(), "counter", &secret, &again.code).unwrap();
    assert_eq!(second.openid, first.openid, "same user, same app: same openid");
    assert_ne!(second.session_key, first.session_key, "a new session key per exchange");

    let other_user = UserKey::generate();
    let code = env.client.login_code(&env.url(), "counter", &other_user).unwrap();
    assert_ne!(env.client.code2session(&env.url(), "counter", &secret, &code.code).unwrap().openid, first.openid, "two users differ");

    let todo_secret = publish_app(&env, "todo");
    assert_ne!(todo_secret, secret);
    let code = env.client.login_code(&env.url(), "todo", &user).unwrap();
    let in_todo = env.client.code2session(&env.url(), "todo", &todo_secret, &code.code).unwrap();
    assert_ne!(in_todo.openid, first.openid, "one user has a different openid in each app");
}

#[test]
fn a_code_is_good_for_one_exchange_even_when_raced() {
    let env = env();
    let secret = publish_app(&env, "counter");
    let user = UserKey::generate();
    let code = env.client.login_code(&env.url(), "counter", &user).unwrap().code;
    env.client.code2session(&env.url(), "counter", &secret, &code).unwrap();
    let e = env.client.code2session(&env.url(), "counter", &secret, &code).unwrap_err();
    assert!(e.to_string().ends_with("refused code2session for counter (400): login code was already used"), "{e}");

    let code = env.client.login_code(&env.url(), "counter", &user).unwrap().code;
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8).map(|_| s.spawn(|| env.client.code2session(&env.url(), "counter", &secret, &code))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "exactly one concurrent exchange wins: {results:?}");
    for e in results.into_iter().filter_map(Result::err) {
        assert_eq!(refusal(e), (400, "login code was already used".into()));
    }
}

#[test]
fn a_wrong_secret_is_401_and_leaves_the_code_usable() {
    let env = env();
    let secret = publish_app(&env, "counter");
    let code = env.client.login_code(&env.url(), "counter", &UserKey::generate()).unwrap().code;
    let e = env.client.code2session(&env.url(), "counter", &"0".repeat(32), &code).unwrap_err();
    assert_eq!(refusal(e), (401, "wrong app secret for counter".into()));
    let e = env.client.code2session(&env.url(), "counter", "", &code).unwrap_err();
    assert_eq!(refusal(e), (401, "wrong app secret for counter".into()));
    env.client.code2session(&env.url(), "counter", &secret, &code).unwrap();
}

#[test]
fn a_code_for_one_app_is_refused_for_another() {
    let env = env();
    let a = publish_app(&env, "counter");
    let b = publish_app(&env, "todo");
    let code = env.client.login_code(&env.url(), "counter", &UserKey::generate()).unwrap().code;
    let e = env.client.code2session(&env.url(), "todo", &b, &code).unwrap_err();
    assert_eq!(refusal(e), (400, "login code was issued for another app, not todo".into()));
    let e = env.client.code2session(&env.url(), "todo", &a, &code).unwrap_err();
    assert_eq!(refusal(e).0, 401, "app A's secret is not app B's");
    env.client.code2session(&env.url(), "counter", &a, &code).expect("the code still works for its own app");
}

#[test]
fn unknown_codes_are_refused() {
    let env = env();
    let secret = publish_app(&env, "counter");
    for code in ["ab".repeat(32), "not-a-code".into(), String::new(), "AB".repeat(32), "é".repeat(32)] {
        let e = env.client.code2session(&env.url(), "counter", &secret, &code).unwrap_err();
        assert_eq!(refusal(e), (400, "unknown login code".into()), "{code:?}");
    }
}

#[test]
fn expired_codes_are_refused_naming_the_limit() {
    let env = env_configured(|cfg| cfg.login_code_ttl = Duration::from_millis(300));
    let secret = publish_app(&env, "counter");
    let user = UserKey::generate();
    let code = env.client.login_code(&env.url(), "counter", &user).unwrap();
    assert_eq!(code.expires_in, 1, "rounded up to whole seconds");
    std::thread::sleep(Duration::from_millis(600));
    let e = env.client.code2session(&env.url(), "counter", &secret, &code.code).unwrap_err();
    assert_eq!(refusal(e), (400, "login code has expired (codes are valid for 300 ms)".into()));
    // issuing another code (which sweeps old ones) keeps the expired one, so the message stays
    // precise; fresh codes working is covered by the other tests (with the default TTL: a 300 ms
    // TTL would make an exchange on a loaded machine flaky)
    env.client.login_code(&env.url(), "counter", &user).unwrap();
    let e = env.client.code2session(&env.url(), "counter", &secret, &code.code).unwrap_err();
    assert_eq!(refusal(e).1, "login code has expired (codes are valid for 300 ms)");
}

#[test]
fn bad_signatures_and_stale_clocks_are_refused() {
    let env = env();
    publish_app(&env, "counter");
    let user = UserKey::generate();
    let request = |signer: &UserKey, ts: u64| {
        serde_json::json!({ "appid": "counter", "user": user.public_hex(), "ts": ts, "sig": signer.sign_login("counter", ts) })
    };
    let ts = now_ms();
    let (status, msg) = post(&env, "auth/login", &request(&UserKey::generate(), ts));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(msg.starts_with(&format!("bad signature: sig does not verify for user {}", user.public_hex())), "{msg}");
    // signed for another app
    let mut other = request(&user, ts);
    other["sig"] = user.sign_login("todo", ts).into();
    assert_eq!(post(&env, "auth/login", &other).0, StatusCode::UNAUTHORIZED);
    // any ed25519 signer will do: the signed bytes are exactly the documented ones
    let signer = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let user9 = hex::encode(signer.verifying_key().as_bytes());
    let message = format!("miniapp-login\ncounter\n{user9}\n{ts}");
    assert_eq!(login_message("counter", &user9, ts), message.as_bytes());
    let sig = hex::encode(signer.sign(message.as_bytes()).to_bytes());
    let manual = serde_json::json!({ "appid": "counter", "user": user9, "ts": ts, "sig": sig });
    assert_eq!(post(&env, "auth/login", &manual).0, StatusCode::OK);

    let stale = ts - 6 * 60 * 1000;
    let (status, msg) = post(&env, "auth/login", &request(&user, stale));
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(msg.starts_with(&format!("login ts {stale} is 3")) && msg.ends_with(" s behind the cloud's clock; it must be within 300 s (is the device clock right?)"), "{msg}");
    let (status, msg) = post(&env, "auth/login", &request(&user, ts + 6 * 60 * 1000));
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(msg.contains("ahead of the cloud's clock"), "{msg}");
    assert_eq!(post(&env, "auth/login", &request(&user, ts - 60 * 1000)).0, StatusCode::OK, "a minute off is fine");
}

#[test]
fn banned_suspended_and_unknown_apps_refuse_login_with_the_reason() {
    let env = env();
    let secret = publish_app(&env, "counter");
    let user = UserKey::generate();
    let before = env.client.login_code(&env.url(), "counter", &user).unwrap().code;
    env.client.set_status(&env.url(), "test-token", "counter", AppStatus::Banned, "fraud").unwrap();
    let e = env.client.login_code(&env.url(), "counter", &user).unwrap_err();
    assert!(e.to_string().ends_with("refused login to counter (403): app counter was banned by the platform: fraud"), "{e}");
    let e = env.client.code2session(&env.url(), "counter", &secret, &before).unwrap_err();
    assert_eq!(refusal(e), (403, "app counter was banned by the platform: fraud".into()), "a code from before the ban is refused too");

    env.client.set_status(&env.url(), "test-token", "counter", AppStatus::Suspended, "maintenance").unwrap();
    let e = env.client.login_code(&env.url(), "counter", &user).unwrap_err();
    assert_eq!(refusal(e), (403, "app counter is suspended by the platform: maintenance".into()));

    env.client.set_status(&env.url(), "test-token", "counter", AppStatus::Published, "").unwrap();
    env.client.code2session(&env.url(), "counter", &secret, &before).expect("unbanned within the code's lifetime");

    let e = env.client.login_code(&env.url(), "nosuchapp", &user).unwrap_err();
    assert_eq!(refusal(e), (404, "no app nosuchapp".into()));
    let e = env.client.code2session(&env.url(), "nosuchapp", &secret, &before).unwrap_err();
    assert_eq!(refusal(e), (404, "no app nosuchapp".into()));
}

#[test]
fn the_secret_needs_the_token() {
    let env = env();
    let secret = publish_app(&env, "counter");
    let e = env.client.app_secret(&env.url(), "nope", "counter").unwrap_err();
    assert!(e.to_string().ends_with("refused the secret of counter (401): wrong bearer token"), "{e}");
    let resp = Client::new().get(format!("{}apps/counter/secret", env.url())).send().unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let e = env.client.app_secret(&env.url(), "test-token", "nosuchapp").unwrap_err();
    assert_eq!(refusal(e), (404, "no app nosuchapp".into()));
    let resp = Client::new().get(format!("{}apps/counter/secret", env.url())).bearer_auth("test-token").send().unwrap();
    let body: serde_json::Value = resp.json().unwrap();
    assert_eq!(body, serde_json::json!({ "appid": "counter", "secret": secret }));
}

#[test]
fn junk_bodies_are_4xx_json_errors_and_the_cloud_keeps_serving() {
    // Some 30 logins from one IP in a burst: past the rate limit, which `guards.rs` tests.
    let env = env_configured(|cfg| cfg.limits.rate_limit = None);
    let secret = publish_app(&env, "counter");
    let user = UserKey::generate();
    let huge = format!("{{\"appid\":\"counter\",\"user\":\"{}\"}}", "a".repeat(100_000));
    let bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"{".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"{\"appid\":1}".to_vec(),
        vec![0xff, 0xfe, 0x00, 0x7b],
        huge.into_bytes(),
        format!(r#"{{"appid":"counter","user":"{}","ts":-1,"sig":"00"}}"#, user.public_hex()).into_bytes(),
        format!(r#"{{"appid":"counter","user":"{}","ts":1e30,"sig":"00"}}"#, user.public_hex()).into_bytes(),
        format!(r#"{{"appid":"counter","user":"{}","ts":18446744073709551615,"sig":"{}"}}"#, user.public_hex(), "00".repeat(64)).into_bytes(),
        format!(r#"{{"appid":"../../x","user":"{}","ts":1,"sig":"00"}}"#, user.public_hex()).into_bytes(),
        format!(r#"{{"appid":"counter","user":"é{}","ts":1,"sig":"00"}}"#, "a".repeat(63)).into_bytes(),
        r#"{"appid":"counter","secret":"x","code":"y","extra":1}"#.as_bytes().to_vec(),
        r#"{"appid":"计数器","secret":"x","code":"y"}"#.as_bytes().to_vec(),
    ];
    let http = Client::new();
    for route in ["auth/login", "auth/code2session"] {
        for body in &bodies {
            for json in [true, false] {
                let mut req = http.post(format!("{}{route}", env.url())).body(body.clone());
                if json {
                    req = req.header("content-type", "application/json");
                }
                let resp = req.send().unwrap();
                let status = resp.status();
                assert!(status.is_client_error(), "{route} {:?}: {status}", String::from_utf8_lossy(body));
                let v: serde_json::Value = resp.json().unwrap();
                assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{route}: {v}");
            }
        }
    }
    let resp = http.post(format!("{}auth/login", env.url())).header("content-type", "application/json").body(vec![b' '; 20_000]).send().unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let code = env.client.login_code(&env.url(), "counter", &user).unwrap().code;
    env.client.code2session(&env.url(), "counter", &secret, &code).expect("still serving");
}
