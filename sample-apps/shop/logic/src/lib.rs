//! The shop sample's logic: products on a home tab, a product page opened with `?id=N` (from a
//! card or straight from a QR code), a size and a quantity picked with pickers, a cart kept in
//! storage whose item count is the Cart tab's badge, a checkout form checked here with a
//! message under each bad field, a modal to confirm the order and an action sheet for the
//! payment method. Every product is shown by the custom component `product-card`, whose tap
//! reaches [`App::component_event`] and is raised to the page as `open`.

use std::collections::HashMap;

use miniapp_sdk::{export_app, json, nav, storage, ui, App, Component, Event, LaunchOptions, Page, Value};

/// The storage key of the cart.
const CART_KEY: &str = "cart";
/// The storage key of the order count and the last order's number.
const ORDERS_KEY: &str = "orders";
/// The tab bar items (app.json's `tabBar.list` order).
const TAB_CART: u32 = 1;
/// The Me tab: a red dot after an order, until opened.
const TAB_ME: u32 = 2;
/// Most of one line in the cart (the quantity picker's last choice).
const MAX_QTY: u32 = 5;
/// The badge shows at most this count, then `99+` (the host takes 4 characters at most).
const MAX_BADGE_COUNT: u32 = 99;
/// Sizes of every product.
const SIZES: [&str; 4] = ["S", "M", "L", "XL"];
/// Payment methods of the checkout's action sheet.
const PAYMENTS: [&str; 3] = ["Card", "WeChat Pay", "Cash on delivery"];
/// A phone number is this many digits (after spaces and dashes are dropped).
const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 7..=15;
/// Shortest delivery address, in characters.
const MIN_ADDRESS_CHARS: usize = 5;

/// One product of the catalogue.
struct Product {
    id: u32,
    name: &'static str,
    cents: u32,
    swatch: &'static str,
    description: &'static str,
}

const PRODUCTS: [Product; 4] = [
    Product { id: 1, name: "Canvas Tote", cents: 1200, swatch: "sand", description: "Heavy cotton, two inside pockets." },
    Product { id: 2, name: "Wool Beanie", cents: 1850, swatch: "navy", description: "Merino, one size stretches to all." },
    Product { id: 3, name: "Linen Shirt", cents: 3900, swatch: "olive", description: "Washed linen, relaxed fit." },
    Product { id: 4, name: "Trail Socks", cents: 990, swatch: "plum", description: "Cushioned sole, three pairs." },
];

fn product(id: u32) -> Option<&'static Product> {
    PRODUCTS.iter().find(|p| p.id == id)
}

/// `¥12.00`.
fn money(cents: u32) -> String {
    format!("¥{}.{:02}", cents / 100, cents % 100)
}

fn card(p: &Product) -> Value {
    json!({ "id": p.id, "name": p.name, "price": money(p.cents), "swatch": p.swatch })
}

/// One line of the cart: a product in a size.
#[derive(Clone, PartialEq)]
struct Line {
    id: u32,
    size: String,
    qty: u32,
}

/// What a product page shows: its product and the choices made.
struct ProductPage {
    id: u32,
    size: usize,
    qty: usize,
}

#[derive(Default)]
struct Shop {
    cart: Vec<Line>,
    orders: u32,
    last_order: u32,
    /// Open product pages by page id.
    product_pages: HashMap<u32, ProductPage>,
    /// The checkout page's payment method (index into [`PAYMENTS`]).
    payment: usize,
    /// What the last order was (`2 items, ¥78.00 by Card`), for the done page.
    last_summary: String,
}

/// The value of `key` in a query string (`id=3&from=qr`).
fn query_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query.split('&').find_map(|kv| kv.split_once('=').filter(|(k, _)| *k == key).map(|(_, v)| v))
}

/// `data-id` of the element the event was bound on (a number, or a number in a string).
fn target_id(event: &Event) -> Option<u32> {
    let id = &event["currentTarget"]["dataset"]["id"];
    id.as_u64().map(|n| n as u32).or_else(|| id.as_str().and_then(|s| s.parse().ok()))
}

/// A picker's `change`: `detail.value` is the chosen index (a number or a numeric string).
fn picked(event: &Event) -> Option<usize> {
    let v = &event["detail"]["value"];
    v.as_u64().map(|n| n as usize).or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn set(page: &Page, patch: Value) {
    if let Err(e) = page.set_data(patch) {
        miniapp_sdk::error!("set-data on {} failed: {e:?}", page.route());
    }
}

/// The checkout form's messages: field name → what is wrong with it.
type Errors = miniapp_sdk::serde_json::Map<String, Value>;

/// Why a checkout form is refused, field by field (empty when it is fine).
fn check_form(form: &Value) -> Errors {
    let text = |k: &str| form[k].as_str().unwrap_or_default().trim().to_owned();
    let mut errors = Errors::new();
    if text("name").is_empty() {
        errors.insert("name".into(), json!("Enter your name"));
    }
    let phone: String = text("phone").chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if !phone.chars().all(|c| c.is_ascii_digit()) || !PHONE_DIGITS.contains(&phone.len()) {
        errors.insert("phone".into(), json!(format!("Phone must be {} to {} digits", PHONE_DIGITS.start(), PHONE_DIGITS.end())));
    }
    if text("address").chars().count() < MIN_ADDRESS_CHARS {
        errors.insert("address".into(), json!("Enter a delivery address"));
    }
    errors
}

impl Shop {
    fn load(&mut self) {
        let get = |key: &str| match storage::get_json(key) {
            Ok(v) => v,
            Err(e) => {
                miniapp_sdk::warn!("storage unavailable, {key} starts empty: {e:?}");
                None
            }
        };
        self.cart = get(CART_KEY)
            .as_ref()
            .and_then(|v| v["lines"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|l| {
                let id = l["id"].as_u64()? as u32;
                product(id)?;
                Some(Line { id, size: l["size"].as_str()?.to_owned(), qty: (l["qty"].as_u64()? as u32).clamp(1, MAX_QTY) })
            })
            .collect();
        let orders = get(ORDERS_KEY).unwrap_or(Value::Null);
        self.orders = orders["count"].as_u64().unwrap_or(0) as u32;
        self.last_order = orders["last"].as_u64().unwrap_or(0) as u32;
    }

    fn save_cart(&self) {
        let lines: Vec<Value> = self.cart.iter().map(|l| json!({ "id": l.id, "size": l.size, "qty": l.qty })).collect();
        if let Err(e) = storage::set_json(CART_KEY, &json!({ "lines": lines })) {
            miniapp_sdk::error!("saving the cart failed: {e:?}");
        }
    }

    fn count(&self) -> u32 {
        self.cart.iter().map(|l| l.qty).sum()
    }

    fn total_cents(&self) -> u32 {
        self.cart.iter().filter_map(|l| product(l.id).map(|p| p.cents * l.qty)).sum()
    }

    /// The Cart tab's badge: the number of items, none for an empty cart.
    fn update_badge(&self) {
        let n = self.count();
        let r = if n == 0 {
            nav::remove_tab_bar_badge(TAB_CART)
        } else if n > MAX_BADGE_COUNT {
            nav::set_tab_bar_badge(TAB_CART, &format!("{MAX_BADGE_COUNT}+"))
        } else {
            nav::set_tab_bar_badge(TAB_CART, &n.to_string())
        };
        if let Err(e) = r {
            miniapp_sdk::error!("cart badge: {e:?}");
        }
    }

    fn show_home(&self, page: &Page) {
        set(page, json!({ "products": PRODUCTS.iter().map(card).collect::<Vec<_>>() }));
    }

    fn show_product(&self, page: &Page) {
        let Some(state) = self.product_pages.get(&page.id()) else { return };
        let Some(p) = product(state.id) else {
            set(page, json!({ "found": false, "id": state.id }));
            return;
        };
        let quantities: Vec<String> = (1..=MAX_QTY).map(|n| n.to_string()).collect();
        set(
            page,
            json!({
                "found": true,
                "id": p.id,
                "product": { "name": p.name, "price": money(p.cents), "swatch": p.swatch, "description": p.description },
                "sizes": SIZES,
                "sizeIndex": state.size,
                "size": SIZES[state.size],
                "quantities": quantities,
                "qtyIndex": state.qty,
                "qty": state.qty + 1,
                "related": PRODUCTS.iter().filter(|o| o.id != p.id).take(2).map(card).collect::<Vec<_>>(),
            }),
        );
    }

    fn show_cart(&self, page: &Page) {
        let lines: Vec<Value> = self
            .cart
            .iter()
            .filter_map(|l| {
                let p = product(l.id)?;
                Some(json!({
                    "key": format!("{}-{}", l.id, l.size),
                    "id": l.id,
                    "name": p.name,
                    "swatch": p.swatch,
                    "amount": money(p.cents * l.qty),
                    "note": format!("Size {} × {}", l.size, l.qty),
                }))
            })
            .collect();
        set(page, json!({ "lines": lines, "total": money(self.total_cents()) }));
    }

    fn show_checkout(&self, page: &Page, errors: Errors) {
        set(page, json!({ "payment": PAYMENTS[self.payment], "total": money(self.total_cents()), "errors": errors }));
    }

    fn show_me(&self, page: &Page) {
        set(page, json!({ "orders": self.orders, "last": if self.last_order > 0 { json!(self.last_order) } else { json!("") } }));
    }

    fn add_to_cart(&mut self, page: &Page) {
        let Some(state) = self.product_pages.get(&page.id()) else { return };
        let Some(p) = product(state.id) else { return };
        let (size, qty) = (SIZES[state.size].to_owned(), state.qty as u32 + 1);
        match self.cart.iter_mut().find(|l| l.id == p.id && l.size == size) {
            Some(l) => l.qty = (l.qty + qty).min(MAX_QTY),
            None => self.cart.push(Line { id: p.id, size, qty }),
        }
        self.save_cart();
        self.update_badge();
        if let Err(e) = ui::show_toast("Added to cart", ui::ToastIcon::Success, 0) {
            miniapp_sdk::warn!("toast: {e:?}");
        }
    }

    /// `2 items, ¥78.00 by Card`: what the confirm modal asks about and the done page shows.
    fn order_summary(&self) -> String {
        format!("{} items, {} by {}", self.count(), money(self.total_cents()), PAYMENTS[self.payment])
    }

    /// The order is confirmed: count it, empty the cart, show the thank-you page.
    fn place_order(&mut self) {
        self.last_summary = self.order_summary();
        self.orders += 1;
        self.last_order = 1000 + self.orders;
        if let Err(e) = storage::set_json(ORDERS_KEY, &json!({ "count": self.orders, "last": self.last_order })) {
            miniapp_sdk::error!("saving the order failed: {e:?}");
        }
        self.cart.clear();
        self.save_cart();
        self.update_badge();
        if let Err(e) = nav::show_tab_bar_red_dot(TAB_ME) {
            miniapp_sdk::error!("me red dot: {e:?}");
        }
        miniapp_sdk::info!("order {} placed: {}", self.last_order, self.last_summary);
        if let Err(e) = nav::redirect_to(&format!("pages/done/done?order={}", self.last_order)) {
            miniapp_sdk::error!("opening the done page: {e:?}");
        }
    }
}

impl App for Shop {
    fn on_launch_options(&mut self, options: &LaunchOptions) {
        miniapp_sdk::info!("launched at {} scene {} query {:?}", options.path, options.scene, options.query);
    }

    fn on_launch(&mut self, _query: &str) {
        self.load();
        miniapp_sdk::info!("shop launched with {} items in the cart", self.count());
        self.update_badge();
    }

    fn page_load(&mut self, page: &Page, query: &str) {
        match page.route() {
            "pages/home/home" => self.show_home(page),
            "pages/product/product" => {
                let id = query_value(query, "id").and_then(|v| v.parse().ok()).unwrap_or(0);
                miniapp_sdk::info!("product page {id}");
                self.product_pages.insert(page.id(), ProductPage { id, size: 1, qty: 0 });
                self.show_product(page);
            }
            "pages/checkout/checkout" => self.show_checkout(page, Errors::new()),
            "pages/done/done" => {
                let order = query_value(query, "order").unwrap_or_default();
                set(page, json!({ "order": order, "summary": self.last_summary }));
            }
            _ => {}
        }
    }

    fn page_show(&mut self, page: &Page) {
        match page.route() {
            // Tab pages stay alive: what changed elsewhere shows when they come back.
            "pages/cart/cart" => self.show_cart(page),
            "pages/me/me" => {
                if let Err(e) = nav::hide_tab_bar_red_dot(TAB_ME) {
                    miniapp_sdk::error!("me red dot: {e:?}");
                }
                self.show_me(page);
            }
            _ => {}
        }
    }

    fn page_unload(&mut self, page: &Page) {
        self.product_pages.remove(&page.id());
    }

    fn on_event(&mut self, page: &Page, handler: &str, event: Event) {
        match handler {
            "onOpen" => {
                if let Some(id) = target_id(&event) {
                    if let Err(e) = nav::navigate_to(&format!("pages/product/product?id={id}")) {
                        miniapp_sdk::error!("opening product {id}: {e:?}");
                    }
                }
            }
            "onSize" | "onQty" => {
                if let (Some(i), Some(state)) = (picked(&event), self.product_pages.get_mut(&page.id())) {
                    if handler == "onSize" {
                        state.size = i.min(SIZES.len() - 1);
                    } else {
                        state.qty = i.min(MAX_QTY as usize - 1);
                    }
                }
                self.show_product(page);
            }
            "onAdd" => self.add_to_cart(page),
            "onShare" => {
                let Some(id) = self.product_pages.get(&page.id()).map(|s| s.id) else { return };
                let items = vec!["Copy link".to_owned(), "Send to a friend".to_owned()];
                let r = ui::action_sheet(&items, move |_: &mut Shop, choice: Option<u32>| {
                    if choice == Some(0) {
                        if let Err(e) = miniapp_sdk::device::set_clipboard(&format!("pages/product/product?id={id}")) {
                            miniapp_sdk::warn!("clipboard: {e:?}");
                        }
                    } else if choice == Some(1) {
                        ui::show_toast("Sent", ui::ToastIcon::Success, 0).ok();
                    }
                });
                if let Err(e) = r {
                    miniapp_sdk::error!("share sheet: {e:?}");
                }
            }
            "onCheckout" => {
                if self.cart.is_empty() {
                    return;
                }
                if let Err(e) = nav::navigate_to("pages/checkout/checkout") {
                    miniapp_sdk::error!("opening checkout: {e:?}");
                }
            }
            "onClear" => {
                let page = page.clone();
                let r = ui::modal("Empty the cart?", "Every item is removed", true, move |app: &mut Shop, a: ui::ModalAnswer| {
                    if a.confirm {
                        app.cart.clear();
                        app.save_cart();
                        app.update_badge();
                        app.show_cart(&page);
                    }
                });
                if let Err(e) = r {
                    miniapp_sdk::error!("modal: {e:?}");
                }
            }
            "onPay" => {
                let page = page.clone();
                let items: Vec<String> = PAYMENTS.iter().map(|s| s.to_string()).collect();
                let r = ui::action_sheet(&items, move |app: &mut Shop, choice: Option<u32>| {
                    if let Some(i) = choice {
                        app.payment = (i as usize).min(PAYMENTS.len() - 1);
                        set(&page, json!({ "payment": PAYMENTS[app.payment] }));
                    }
                });
                if let Err(e) = r {
                    miniapp_sdk::error!("payment sheet: {e:?}");
                }
            }
            "onSubmit" => {
                let form = &event["detail"]["value"];
                let errors = check_form(form);
                let ok = errors.is_empty();
                self.show_checkout(page, errors);
                if !ok {
                    return;
                }
                let r = ui::modal("Confirm order", &self.order_summary(), true, |app: &mut Shop, a: ui::ModalAnswer| {
                    if a.confirm {
                        app.place_order();
                    }
                });
                if let Err(e) = r {
                    miniapp_sdk::error!("confirm modal: {e:?}");
                }
            }
            "onContinue" => {
                if let Err(e) = nav::switch_tab("pages/home/home") {
                    miniapp_sdk::error!("back to the shop: {e:?}");
                }
            }
            other => miniapp_sdk::warn!("shop: no handler {other}"),
        }
    }

    /// A tap on a `product-card`: the page knows which product (`data-id` on the tag).
    fn component_event(&mut self, component: &Component, handler: &str, _event: Event) {
        if handler != "onTap" {
            miniapp_sdk::warn!("product-card: no handler {handler}");
            return;
        }
        if let Err(e) = component.trigger_event("open", json!({})) {
            miniapp_sdk::error!("product-card {}: trigger-event failed: {e:?}", component.id());
        }
    }
}

export_app!(Shop);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_read_as_money() {
        assert_eq!(money(1200), "¥12.00");
        assert_eq!(money(990), "¥9.90");
        assert_eq!(money(7800), "¥78.00");
    }

    #[test]
    fn the_form_names_each_bad_field() {
        let e = check_form(&json!({ "name": " ", "phone": "12ab", "address": "x" }));
        assert_eq!(e.len(), 3);
        assert_eq!(e["phone"], "Phone must be 7 to 15 digits");
        assert!(check_form(&json!({ "name": "Ada", "phone": "555-0123", "address": "1 Analytical Way" })).is_empty());
    }

    #[test]
    fn query_values_are_found_by_key() {
        assert_eq!(query_value("id=3&scene=qr", "id"), Some("3"));
        assert_eq!(query_value("id=3", "scene"), None);
    }
}
