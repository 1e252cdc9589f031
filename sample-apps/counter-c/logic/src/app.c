// The logic of the counter sample, in C: runs in the host's sandbox and may call only the host API
// (the functions miniapp.h declares). Each page keeps its own count.

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "miniapp.h"

// The page stack is at most 10 deep; a few more slots for pages being replaced.
#define MAX_PAGES 16

static struct {
    uint32_t page;
    int64_t count;
    bool used;
} counts[MAX_PAGES];

static int64_t *count_of(uint32_t page, bool create) {
    for (int i = 0; i < MAX_PAGES; i++) {
        if (counts[i].used && counts[i].page == page) return &counts[i].count;
    }
    if (!create) return NULL;
    for (int i = 0; i < MAX_PAGES; i++) {
        if (!counts[i].used) {
            counts[i].used = true;
            counts[i].page = page;
            counts[i].count = 0;
            return &counts[i].count;
        }
    }
    return NULL;
}

static void log_line(miniapp_host_sys_log_level_t level, const char *text) {
    miniapp_string_t message;
    miniapp_string_set(&message, text); // borrows `text`: nothing to free
    miniapp_host_sys_log(level, &message);
}

// Writes `n` in decimal at `out` (room for 20 characters); returns the length.
static size_t format_i64(int64_t n, char *out) {
    char digits[20];
    size_t len = 0, i = 0;
    uint64_t u = n < 0 ? (uint64_t)(-(n + 1)) + 1 : (uint64_t)n;
    do {
        digits[i++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (n < 0) out[len++] = '-';
    while (i) out[len++] = digits[--i];
    return len;
}

static void show(uint32_t page) {
    int64_t *count = count_of(page, true);
    char json[48] = "{\"count\":";
    size_t len = strlen(json);
    len += format_i64(count ? *count : 0, json + len);
    json[len++] = '}';
    miniapp_string_t patch;
    miniapp_string_dup_n(&patch, json, len);
    miniapp_host_view_host_error_t err;
    if (!miniapp_host_view_set_data(page, &patch, &err)) {
        log_line(MINIAPP_HOST_SYS_LOG_LEVEL_ERROR, "set-data failed");
        miniapp_host_view_host_error_free(&err); // the host's error text is ours to free
    }
    miniapp_string_free(&patch);
}

static bool is(const miniapp_string_t *s, const char *text) {
    size_t n = strlen(text);
    return s->len == n && memcmp(s->ptr, text, n) == 0;
}

// Arguments of exported functions belong to the callee: free them before returning.

void exports_miniapp_host_lifecycle_on_launch(miniapp_string_t *query) {
    miniapp_string_free(query);
}

void exports_miniapp_host_lifecycle_on_show(void) {}

void exports_miniapp_host_lifecycle_on_hide(void) {}

void exports_miniapp_host_lifecycle_page_load(exports_miniapp_host_lifecycle_page_ref_t *page, miniapp_string_t *query) {
    int64_t *count = count_of(page->id, true);
    if (count) *count = 0;
    show(page->id);
    miniapp_host_types_page_ref_free(page);
    miniapp_string_free(query);
}

void exports_miniapp_host_lifecycle_page_ready(exports_miniapp_host_lifecycle_page_ref_t *page) {
    miniapp_host_types_page_ref_free(page);
}

void exports_miniapp_host_lifecycle_page_unload(exports_miniapp_host_lifecycle_page_ref_t *page) {
    for (int i = 0; i < MAX_PAGES; i++) {
        if (counts[i].used && counts[i].page == page->id) counts[i].used = false;
    }
    miniapp_host_types_page_ref_free(page);
}

void exports_miniapp_host_lifecycle_handle_event(exports_miniapp_host_lifecycle_page_ref_t *page, miniapp_string_t *handler, miniapp_string_t *event) {
    if (is(handler, "onIncrement")) {
        int64_t *count = count_of(page->id, true);
        if (count) *count += 1;
        show(page->id);
    } else {
        log_line(MINIAPP_HOST_SYS_LOG_LEVEL_WARN, "no handler by that name");
    }
    miniapp_host_types_page_ref_free(page);
    miniapp_string_free(handler);
    miniapp_string_free(event);
}

void exports_miniapp_host_lifecycle_on_callback(uint32_t callback, miniapp_string_t *payload) {
    (void)callback;
    miniapp_string_free(payload);
}
