//! The feed sample's back end: a JSON API over a fixed, generated set of posts, the posts'
//! images as small generated PNGs, the platform login (code → the cloud's code2session →
//! openid → a session token) and each user's likes. A switch takes it "down" so an app's error
//! state can be shown and tested.
//!
//! | route | answer |
//! |---|---|
//! | `GET /posts?page=N&size=K` | `{"page","size","total","more","posts":[…]}`; pages from 1, an empty `posts` after the end |
//! | `GET /posts/{id}` | one post |
//! | `GET /images/{id}.png` | the post's picture |
//! | `POST /login {"code"}` | `{"token","openid"}` |
//! | `POST /posts/{id}/like`, `DELETE /posts/{id}/like` | `{"id","liked","likes"}` (needs `Authorization: Bearer TOKEN`) |
//! | `GET /likes` | `{"posts":[…]}` the user liked (needs the token) |
//! | `POST /admin/down`, `POST /admin/up` | the switch; while down every other route answers 503 |
//!
//! Bad input is a 4xx with `{"error": "…"}` naming the parameter and the rule.
//!
//! ```no_run
//! let feed = miniapp_feed_backend::start(miniapp_feed_backend::Config::new("http://127.0.0.1:7000", "feed", "secret"))?;
//! println!("posts at {}/posts", feed.origin());
//! feed.set_down(true); // the app now sees 503s
//! # Ok::<(), miniapp_feed_backend::Error>(())
//! ```
#![deny(missing_docs)]

mod api;
mod error;
mod posts;
mod server;

pub use error::{Error, Result};
pub use posts::{post_colour, Post, DEFAULT_PAGE_SIZE, IMAGE_SIDE, MAX_PAGE_SIZE, POST_COUNT};
pub use server::{start, Config, Handle, DEFAULT_ADDR};
