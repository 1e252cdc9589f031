//! The shop sample through the real binary: browse → product → pick a size and a quantity →
//! add → the Cart tab's badge shows the count (drawn as a red pill with white text) → cart →
//! checkout refuses an invalid form with a message per field, then takes a valid one → the
//! confirm modal → the order is placed (badge gone, a red dot on Me until Me is opened); the
//! cart is kept in storage across launches; and a QR code of a product page (path, query and
//! scene in the launch URL) opens that page directly through `miniapp scan`.

use miniapp_tests::*;

/// WeChat's badge red, as the tab bar chrome draws it.
const RED: [u8; 4] = [0xfa, 0x51, 0x51, 255];

/// Pixels within `tol` of `rgba` in the rectangle `x0..x1` × `y0..y1`.
fn count_in(img: &image::RgbaImage, (x0, y0, x1, y1): (u32, u32, u32, u32), rgba: [u8; 4], tol: u8) -> usize {
    (y0..y1).flat_map(|y| (x0..x1).map(move |x| (x, y))).filter(|&(x, y)| close(img.get_pixel(x, y).0, rgba, tol)).count()
}

/// Where the Cart tab's badge is drawn on a 375×667 screen at scale 1: the bottom tab bar is at
/// y 617 (50 high), three items 125 wide; the pill sits over the top-right corner of the second
/// item's 24 px icon (x 175.5..199.5).
const CART_BADGE: (u32, u32, u32, u32) = (194, 620, 210, 635);
/// The Me tab's red dot: over the third item's icon (x 300.5..324.5).
const ME_DOT: (u32, u32, u32, u32) = (320, 620, 330, 630);

#[test]
fn browse_pick_add_badge_checkout_confirm_and_the_order_is_done() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let url = publish_sample(home, &cloud, "shop");

    let script = "\
        assert-text New this week\nassert-no-text Cart badge\nscreenshot shop-empty.png\n\
        tap text=Linen Shirt\nassert-text Washed linen, relaxed fit.\nassert-text ¥39.00\nassert-data id 3\n\
        assert-text Size: M\ntap #size\nanswer 2\nassert-text Size: L\n\
        tap #qty\nanswer 1\nassert-text Qty: 2\n\
        tap #add\nassert-text Added to cart\nwait 1600\nassert-no-text Added to cart\n\
        back\nassert-text Cart badge 2\nscreenshot shop-badge.png\n\
        tap text=Cart\nassert-text Linen Shirt\nassert-text Size L × 2\nassert-text Total ¥78.00\n\
        tap #checkout\ntap #pay\nanswer 1\nassert-text WeChat Pay\n\
        tap #submit\nassert-text Enter your name\nassert-text Phone must be 7 to 15 digits\n\
        assert-text Enter a delivery address\nscreenshot shop-invalid.png\n\
        input #name Ada Lovelace\ninput #phone 12ab\n\
        tap #submit\nassert-no-text Enter your name\nassert-text Phone must be 7 to 15 digits\nassert-no-text Confirm order\n\
        tap #phone\nkey select-all\nkey backspace\ninput #phone 555-0123\ninput #address 1 Analytical Way\n\
        tap #submit\nassert-no-text Phone must be\nassert-text Confirm order\nassert-text 2 items, ¥78.00 by WeChat Pay\n\
        screenshot shop-confirm.png\nanswer ok\n\
        wait-for text=Order placed\nassert-text Order #1001\nassert-text 2 items, ¥78.00 by WeChat Pay\n\
        tap #continue\nassert-text New this week\nassert-no-text Cart badge\nassert-text Me red dot\nscreenshot shop-after.png\n\
        tap text=Me\nassert-text Orders placed: 1\nassert-no-text Me red dot\n";
    let (r, t) = run_headless(home, &url, script);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let t = t.unwrap();
    assert!(t["steps"].as_array().unwrap().iter().all(|s| s["ok"] == true), "{t}");
    assert!(r.stdout.contains("info: order 1001 placed: 2 items, ¥78.00 by WeChat Pay"), "{}", r.stdout);

    // The badge by pixels: none before anything is in the cart; a red pill with white text
    // (the "2") on the Cart tab once it is.
    let empty = load_png(&home.join("shop-empty.png"));
    assert_eq!(empty.dimensions(), (375, 667));
    assert_eq!(count_in(&empty, CART_BADGE, RED, 40), 0, "a badge before anything was added");
    let badge = load_png(&home.join("shop-badge.png"));
    let red = count_in(&badge, CART_BADGE, RED, 40);
    assert!(red > 120, "the Cart badge is not drawn in red ({red} pixels)");
    let white = count_in(&badge, (197, 622, 207, 633), [255, 255, 255, 255], 60);
    assert!(white > 3, "no white text in the badge ({white} pixels)");
    // The selected Home icon is blue; the Cart icon (not selected) grey, under the badge.
    let blue = count_in(&badge, (50, 622, 75, 646), [0x16, 0x77, 0xff, 255], 40);
    assert!(blue > 40, "the selected Home icon is not blue ({blue} pixels)");

    // The invalid form: the messages are drawn in the shop's error red.
    let invalid = load_png(&home.join("shop-invalid.png"));
    let messages = count_in(&invalid, (0, 64, 375, 400), [0xe4, 0x39, 0x3c, 255], 50);
    assert!(messages > 100, "the validation messages are not drawn ({messages} red pixels)");

    // The confirm modal dims the page: the scrim darkens the white tab-less page behind it.
    let confirm = load_png(&home.join("shop-confirm.png"));
    let corner = confirm.get_pixel(5, 660).0;
    assert!(corner[0] < 0xd0 && corner[1] < 0xd0, "no scrim behind the modal: {corner:?}");

    // After the order: no badge on Cart, a red dot on Me.
    let after = load_png(&home.join("shop-after.png"));
    assert_eq!(count_in(&after, CART_BADGE, RED, 40), 0, "the badge stayed after the order");
    let dot = count_in(&after, ME_DOT, RED, 40);
    assert!((20..=64).contains(&dot), "the Me red dot is not an 8 px dot ({dot} pixels)");

    // The panels list the tab bar's marks.
    let panels = home.join("panels.json");
    let s = home.join("panel.script");
    std::fs::write(&s, "assert-text New this week\n").unwrap();
    let r = run(miniapp(home).args(["run", &url, "--headless", "--script"]).arg(&s).arg("--panels").arg(&panels));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let p: serde_json::Value = serde_json::from_slice(&std::fs::read(&panels).unwrap()).unwrap();
    let bar = p["tabBar"].as_array().unwrap_or_else(|| panic!("no tabBar panel: {p}"));
    assert_eq!(bar.len(), 3);
    assert_eq!(bar[1]["text"], "Cart");
    assert_eq!(bar[1]["badge"], serde_json::Value::Null, "the cart is empty after the order");
    // Marks live in the session, not in storage: a fresh launch starts without the red dot.
    assert_eq!(bar[2]["redDot"], false);
}

#[test]
fn the_cart_and_its_badge_survive_a_relaunch() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let url = publish_sample(home, &cloud, "shop");

    let (r, _) = run_headless(home, &url, "tap text=Trail Socks\ntap #add\nback\nassert-text Cart badge 1\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    // Another process: the cart comes from storage, and the logic sets the badge at launch.
    let (r, _) = run_headless(
        home,
        &url,
        "assert-text Cart badge 1\nscreenshot relaunch.png\ntap text=Cart\nassert-text Trail Socks\nassert-text Size M × 1\n\
         assert-text Total ¥9.90\ntap #clear\nanswer ok\nassert-text Your cart is empty\nassert-no-text Cart badge\n",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("info: shop launched with 1 items in the cart"), "{}", r.stdout);
    let img = load_png(&home.join("relaunch.png"));
    assert!(count_in(&img, CART_BADGE, RED, 40) > 120, "no badge drawn after the relaunch");
}

#[test]
fn a_qr_code_of_a_product_page_opens_it_directly() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let url = publish_sample(home, &cloud, "shop");
    let launch = format!("{url}?path=pages/product/product&query=id%3D2&scene=poster-2");
    let code = home.join("beanie.png");
    let r = run(miniapp(home).args(["qr", &launch, "-o"]).arg(&code));
    assert_eq!(r.code, 0, "{}", r.stderr);

    let script = home.join("qr.script");
    std::fs::write(&script, "assert-text Wool Beanie\nassert-text ¥18.50\nassert-data id 2\nassert-text Size: M\nscreenshot qr-product.png\n").unwrap();
    let r = run(miniapp(home).arg("scan").arg(&code).args(["--headless", "--script"]).arg(&script));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(&format!("scanned {launch}")), "{}", r.stderr);
    assert!(r.stdout.contains("info: launched at pages/product/product scene 1011 query \"id=2&scene=poster-2\""), "{}", r.stdout);
    assert!(r.stdout.contains("info: product page 2"), "{}", r.stdout);

    // The product's navy hero is on screen (scan runs at the device's pixel ratio, 2).
    let img = load_png(&home.join("qr-product.png"));
    assert_eq!(img.dimensions(), (750, 1334));
    let navy = count_in(&img, (60, 170, 690, 360), [0x2c, 0x3e, 0x73, 255], 20);
    assert!(navy > 50_000, "the Wool Beanie's navy hero is not drawn ({navy} pixels)");
    // Not a tab page: no tab bar at the bottom, so no badge either.
    assert!(!r.stdout.contains("Cart badge"), "{}", r.stdout);
}
