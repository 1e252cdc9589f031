//! `miniapp:host/nav`: navigation requests, checked against the app's pages, tab pages and the
//! page-stack limit, queued as [`Effect::Navigate`] for the shell.

use crate::bindings::nav::Host;
use crate::bindings::types::HostError;
use crate::limits::TAB_BAR_BADGE_CHARS;
use crate::state::{Effect, HostState, NavKind, TabBarMark};

impl HostState {
    /// Split and check `pages/x/x?query`: the route must be one of the app's pages.
    fn target(&self, url: &str) -> Result<(String, String), HostError> {
        let url = url.strip_prefix('/').unwrap_or(url);
        let (route, query) = url.split_once('?').unwrap_or((url, ""));
        if route.is_empty() {
            return Err(HostError::InvalidArgument(format!("navigation url {url:?} has no page route")));
        }
        if !self.ctx.pages.is_empty() && !self.ctx.pages.iter().any(|p| p == route) {
            return Err(HostError::NotFound(format!("no page {route} in app.json of app {}", self.ctx.app_id)));
        }
        Ok((route.to_string(), query.to_string()))
    }

    fn is_tab(&self, route: &str) -> bool {
        self.ctx.tab_pages.iter().any(|p| p == route)
    }

    fn navigate(&mut self, kind: NavKind, route: String, query: String) -> Result<(), HostError> {
        let bytes = route.len() + query.len();
        if self.push(Effect::Navigate { kind, route, query }, bytes) {
            Ok(())
        } else {
            Err(HostError::LimitExceeded("effects of this handler exceed the per-call budget".into()))
        }
    }
}

impl HostState {
    /// Check `index` against the app's tab bar and queue `mark` for that item.
    fn tab_bar_mark(&mut self, call: &str, index: u32, mark: TabBarMark) -> Result<(), HostError> {
        let items = self.ctx.tab_pages.len();
        if items == 0 {
            return Err(HostError::NotFound(format!(
                "{call}: app {} has no tab bar (no tabBar in app.json)",
                self.ctx.app_id
            )));
        }
        let i = index as usize;
        if i >= items {
            return Err(HostError::InvalidArgument(format!(
                "{call}: tab bar index {index} is out of range, the tab bar has {items} items (0 to {})",
                items - 1
            )));
        }
        let bytes = match &mark {
            TabBarMark::Badge(t) => t.len(),
            _ => 0,
        };
        if self.push(Effect::TabBar { index: i, mark }, bytes) {
            Ok(())
        } else {
            Err(HostError::LimitExceeded("effects of this handler exceed the per-call budget".into()))
        }
    }
}

impl Host for HostState {
    fn navigate_to(&mut self, url: String) -> Result<(), HostError> {
        let (route, query) = self.target(&url)?;
        if self.is_tab(&route) {
            return Err(HostError::InvalidArgument(format!(
                "{route} is a tab page: use switch-tab, not navigate-to"
            )));
        }
        let depth = self.pages.len() + self.pending_pushes;
        let limit = self.limits.page_stack;
        if depth >= limit {
            return Err(HostError::LimitExceeded(format!(
                "navigate-to {route}: the page stack is {depth} deep, the limit is {limit}"
            )));
        }
        self.navigate(NavKind::NavigateTo, route, query)?;
        self.pending_pushes += 1;
        Ok(())
    }

    fn redirect_to(&mut self, url: String) -> Result<(), HostError> {
        let (route, query) = self.target(&url)?;
        if self.is_tab(&route) {
            return Err(HostError::InvalidArgument(format!(
                "{route} is a tab page: use switch-tab, not redirect-to"
            )));
        }
        self.navigate(NavKind::RedirectTo, route, query)
    }

    fn navigate_back(&mut self, delta: u32) -> Result<(), HostError> {
        if self.pages.len() + self.pending_pushes <= 1 {
            return Err(HostError::InvalidArgument("navigate-back on the first page: there is no page to go back to".into()));
        }
        self.navigate(NavKind::NavigateBack { delta: delta.max(1) }, String::new(), String::new())
    }

    fn switch_tab(&mut self, url: String) -> Result<(), HostError> {
        let (route, query) = self.target(&url)?;
        if !self.is_tab(&route) {
            return Err(HostError::InvalidArgument(format!("switch-tab to {route}, which is not a tab page")));
        }
        if !query.is_empty() {
            return Err(HostError::InvalidArgument(format!("switch-tab url {url:?} may not carry a query")));
        }
        self.navigate(NavKind::SwitchTab, route, query)
    }

    fn re_launch(&mut self, url: String) -> Result<(), HostError> {
        let (route, query) = self.target(&url)?;
        self.navigate(NavKind::ReLaunch, route, query)
    }

    fn set_tab_bar_badge(&mut self, index: u32, text: String) -> Result<(), HostError> {
        let chars = text.chars().count();
        if chars == 0 {
            return Err(HostError::InvalidArgument(
                "set-tab-bar-badge: the badge text is empty; use remove-tab-bar-badge to remove a badge".into(),
            ));
        }
        if chars > TAB_BAR_BADGE_CHARS {
            return Err(HostError::LimitExceeded(format!(
                "set-tab-bar-badge: badge text {text:?} is {chars} characters, over the tab-bar-badge-chars limit of {TAB_BAR_BADGE_CHARS}"
            )));
        }
        self.tab_bar_mark("set-tab-bar-badge", index, TabBarMark::Badge(text))
    }

    fn remove_tab_bar_badge(&mut self, index: u32) -> Result<(), HostError> {
        self.tab_bar_mark("remove-tab-bar-badge", index, TabBarMark::RemoveBadge)
    }

    fn show_tab_bar_red_dot(&mut self, index: u32) -> Result<(), HostError> {
        self.tab_bar_mark("show-tab-bar-red-dot", index, TabBarMark::RedDot)
    }

    fn hide_tab_bar_red_dot(&mut self, index: u32) -> Result<(), HostError> {
        self.tab_bar_mark("hide-tab-bar-red-dot", index, TabBarMark::HideRedDot)
    }

    fn stop_pull_down_refresh(&mut self) {
        // Over the handler's effect budget the call is dropped like any other effect; the
        // indicator then stays until the next stop.
        let _ = self.push(Effect::StopPullDownRefresh, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::state::AppContext;

    fn state() -> HostState {
        let mut ctx = AppContext::new("shop");
        ctx.pages = vec!["pages/index/index".into(), "pages/detail/detail".into(), "pages/me/me".into()];
        ctx.tab_pages = vec!["pages/index/index".into(), "pages/me/me".into()];
        let mut s = HostState::new(ctx, &Limits::default());
        s.pages.insert(1);
        s
    }

    #[test]
    fn navigate_to_queues_route_and_query() {
        let mut s = state();
        s.navigate_to("/pages/detail/detail?id=3".into()).unwrap();
        assert_eq!(
            s.drain(),
            vec![Effect::Navigate { kind: NavKind::NavigateTo, route: "pages/detail/detail".into(), query: "id=3".into() }]
        );
    }

    #[test]
    fn unknown_page_is_not_found() {
        let mut s = state();
        assert_eq!(
            s.navigate_to("pages/nope/nope".into()).unwrap_err(),
            HostError::NotFound("no page pages/nope/nope in app.json of app shop".into())
        );
    }

    #[test]
    fn the_eleventh_page_is_refused() {
        let mut s = state();
        for _ in 0..9 {
            s.navigate_to("pages/detail/detail".into()).unwrap();
        }
        assert_eq!(
            s.navigate_to("pages/detail/detail".into()).unwrap_err(),
            HostError::LimitExceeded(
                "navigate-to pages/detail/detail: the page stack is 10 deep, the limit is 10".into()
            )
        );
        assert_eq!(s.drain().len(), 9);
    }

    #[test]
    fn tab_pages_need_switch_tab() {
        let mut s = state();
        assert!(matches!(s.navigate_to("pages/me/me".into()), Err(HostError::InvalidArgument(m)) if m.contains("use switch-tab")));
        assert!(matches!(s.switch_tab("pages/detail/detail".into()), Err(HostError::InvalidArgument(m)) if m.contains("not a tab page")));
        s.switch_tab("pages/me/me".into()).unwrap();
        s.redirect_to("pages/detail/detail".into()).unwrap();
        s.re_launch("pages/index/index?from=x".into()).unwrap();
        assert_eq!(s.drain().len(), 3);
    }

    #[test]
    fn tab_bar_badges_and_red_dots_are_queued_for_the_item() {
        let mut s = state();
        s.set_tab_bar_badge(1, "99+".into()).unwrap();
        s.show_tab_bar_red_dot(0).unwrap();
        s.remove_tab_bar_badge(1).unwrap();
        s.hide_tab_bar_red_dot(0).unwrap();
        assert_eq!(
            s.drain(),
            vec![
                Effect::TabBar { index: 1, mark: TabBarMark::Badge("99+".into()) },
                Effect::TabBar { index: 0, mark: TabBarMark::RedDot },
                Effect::TabBar { index: 1, mark: TabBarMark::RemoveBadge },
                Effect::TabBar { index: 0, mark: TabBarMark::HideRedDot },
            ]
        );
    }

    #[test]
    fn a_bad_tab_bar_index_or_badge_text_is_refused_with_its_rule() {
        let mut s = state();
        assert_eq!(
            s.set_tab_bar_badge(2, "1".into()).unwrap_err(),
            HostError::InvalidArgument(
                "set-tab-bar-badge: tab bar index 2 is out of range, the tab bar has 2 items (0 to 1)".into()
            )
        );
        assert_eq!(
            s.set_tab_bar_badge(0, "12345".into()).unwrap_err(),
            HostError::LimitExceeded(
                "set-tab-bar-badge: badge text \"12345\" is 5 characters, over the tab-bar-badge-chars limit of 4".into()
            )
        );
        // Four characters of several bytes each are within the limit.
        s.set_tab_bar_badge(0, "新品上市".into()).unwrap();
        assert!(matches!(s.set_tab_bar_badge(0, String::new()), Err(HostError::InvalidArgument(m)) if m.contains("use remove-tab-bar-badge")));
        assert!(matches!(s.show_tab_bar_red_dot(7), Err(HostError::InvalidArgument(m)) if m.starts_with("show-tab-bar-red-dot: tab bar index 7")));
        assert_eq!(s.drain().len(), 1);
    }

    #[test]
    fn tab_bar_calls_in_an_app_without_a_tab_bar_are_not_found() {
        let mut s = HostState::new(AppContext::new("counter"), &Limits::default());
        assert_eq!(
            s.hide_tab_bar_red_dot(0).unwrap_err(),
            HostError::NotFound("hide-tab-bar-red-dot: app counter has no tab bar (no tabBar in app.json)".into())
        );
        assert!(s.drain().is_empty());
    }

    #[test]
    fn back_on_the_first_page_is_refused_and_delta_zero_means_one() {
        let mut s = state();
        assert!(matches!(s.navigate_back(1), Err(HostError::InvalidArgument(_))));
        s.pages.insert(2);
        s.navigate_back(0).unwrap();
        assert_eq!(
            s.drain(),
            vec![Effect::Navigate { kind: NavKind::NavigateBack { delta: 1 }, route: String::new(), query: String::new() }]
        );
    }
}
