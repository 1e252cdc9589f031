//! The generated posts (the same every run) and their pictures.

use serde::Serialize;

/// How many posts there are: 60.
pub const POST_COUNT: u32 = 60;
/// Posts per page when `size` is not given: 10.
pub const DEFAULT_PAGE_SIZE: u32 = 10;
/// The largest `size` a page may ask for: 50.
pub const MAX_PAGE_SIZE: u32 = 50;
/// Width and height of a post's picture in px: 96.
pub const IMAGE_SIDE: u32 = 96;

/// One post as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Post {
    /// 1 to [`POST_COUNT`].
    pub id: u32,
    /// A short title.
    pub title: String,
    /// Who wrote it.
    pub author: String,
    /// A paragraph.
    pub body: String,
    /// The picture's path on this back end, `/images/7.png`.
    pub image: String,
    /// Likes from every user.
    pub likes: usize,
    /// Whether the caller (by its token) liked it; `false` without a token.
    pub liked: bool,
}

const TOPICS: [&str; 10] = ["Sunrise", "Harbour", "Market", "Forest", "Bridge", "Garden", "Station", "Library", "Summit", "Lantern"];
const AUTHORS: [&str; 6] = ["Ana", "Bo", "Chen", "Dara", "Eli", "Femi"];
const PALETTE: [[u8; 3]; 6] = [[230, 57, 70], [42, 157, 143], [233, 196, 106], [69, 123, 157], [155, 93, 229], [244, 162, 97]];

/// The colour of post `id`'s picture (its fill; a white band crosses it). Post 1 is
/// `[230, 57, 70]`.
pub fn post_colour(id: u32) -> [u8; 3] {
    PALETTE[(id.saturating_sub(1) as usize) % PALETTE.len()]
}

/// Post `id` without likes, or `None` outside 1..=[`POST_COUNT`].
pub(crate) fn post(id: u32) -> Option<Post> {
    if id == 0 || id > POST_COUNT {
        return None;
    }
    let topic = TOPICS[(id as usize - 1) % TOPICS.len()];
    let author = AUTHORS[(id as usize * 7) % AUTHORS.len()];
    Some(Post {
        id,
        title: format!("Post {id}: {topic}"),
        author: author.to_string(),
        body: format!("{author} shares note number {id} about the {}. Tap Like to keep it in your likes.", topic.to_lowercase()),
        image: format!("/images/{id}.png"),
        likes: 0,
        liked: false,
    })
}

/// The ids on page `page` (from 1) of `size` posts; empty after the end.
pub(crate) fn page_ids(page: u32, size: u32) -> std::ops::Range<u32> {
    let first = (page.saturating_sub(1)).saturating_mul(size).saturating_add(1);
    let end = first.saturating_add(size).min(POST_COUNT + 1);
    first.min(end)..end
}

/// Post `id`'s picture as PNG bytes: its colour with a white horizontal band in the middle.
pub(crate) fn png(id: u32) -> Vec<u8> {
    let [r, g, b] = post_colour(id);
    let img = image::RgbImage::from_fn(IMAGE_SIDE, IMAGE_SIDE, |_, y| {
        if (IMAGE_SIDE * 2 / 5..IMAGE_SIDE * 3 / 5).contains(&y) {
            image::Rgb([255, 255, 255])
        } else {
            image::Rgb([r, g, b])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("encoding a PNG in memory cannot fail");
    out.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_every_post_once_then_run_empty() {
        let all: Vec<u32> = (1..=7).flat_map(|p| page_ids(p, 10)).collect();
        assert_eq!(all, (1..=POST_COUNT).collect::<Vec<_>>());
        assert!(page_ids(7, 10).is_empty());
        assert!(page_ids(u32::MAX, MAX_PAGE_SIZE).is_empty());
        assert_eq!(page_ids(2, 25), 26..51);
    }

    #[test]
    fn posts_are_the_same_every_time_and_only_in_range() {
        assert_eq!(post(3), post(3));
        assert_eq!(post(1).unwrap().title, "Post 1: Sunrise");
        assert!(post(0).is_none() && post(POST_COUNT + 1).is_none());
    }

    #[test]
    fn a_picture_decodes_to_its_colour() {
        let img = image::load_from_memory(&png(1)).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), (IMAGE_SIDE, IMAGE_SIDE));
        assert_eq!(img.get_pixel(0, 0).0, post_colour(1));
        assert_eq!(img.get_pixel(0, IMAGE_SIDE / 2).0, [255, 255, 255]);
    }
}
