// The logic of __APP_NAME__, in C: a list of 100 items filtered by what is typed in the search
// field, and a detail page opened with `?id=N`. Runs in the host's sandbox and may call only
// the host API (the functions miniapp.h declares).

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "miniapp.h"

static const char *const FRUITS[] = {"Apple", "Banana", "Cherry", "Date", "Elderberry", "Fig", "Grape", "Honeydew", "Kiwi", "Lemon"};
#define N_FRUITS 10
#define N_ITEMS 100
// Longer queries are cut here (bytes).
#define MAX_QUERY 200

// A growing byte buffer for the JSON patches.
typedef struct {
    char *ptr;
    size_t len, cap;
} buf_t;

static void put_n(buf_t *b, const char *s, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n) cap *= 2;
        b->ptr = realloc(b->ptr, cap);
        if (!b->ptr) abort();
        b->cap = cap;
    }
    memcpy(b->ptr + b->len, s, n);
    b->len += n;
}

static void put(buf_t *b, const char *s) { put_n(b, s, strlen(s)); }

static void put_uint(buf_t *b, unsigned n) {
    char digits[10];
    size_t i = 0;
    do {
        digits[i++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    while (i) put_n(b, &digits[--i], 1);
}

// `s` as a JSON string, quotes included.
static void put_json_string(buf_t *b, const char *s, size_t n) {
    put(b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            put_n(b, "\\", 1);
            put_n(b, (const char *)&c, 1);
        } else if (c < 0x20) {
            put(b, " ");
        } else {
            put_n(b, (const char *)&c, 1);
        }
    }
    put(b, "\"");
}

// The title of item `id`, `Kiwi 1`, into `out` (room for 24 bytes); returns its length.
static size_t title(unsigned id, char *out) {
    buf_t b = {0};
    put(&b, FRUITS[id % N_FRUITS]);
    put(&b, " ");
    put_uint(&b, id / N_FRUITS + 1);
    size_t n = b.len < 23 ? b.len : 23;
    memcpy(out, b.ptr, n);
    out[n] = 0;
    free(b.ptr);
    return n;
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

// Whether `hay` contains `needle` (`n` bytes), ignoring ASCII case.
static bool contains(const char *hay, const char *needle, size_t n) {
    size_t h = strlen(hay);
    for (size_t i = 0; i + n <= h; i++) {
        size_t j = 0;
        while (j < n && lower(hay[i + j]) == lower(needle[j])) j++;
        if (j == n) return true;
    }
    return n == 0;
}

static void set_data(uint32_t page, buf_t *json) {
    miniapp_string_t patch = {(uint8_t *)json->ptr, json->len}; // borrowed: freed below by us
    miniapp_host_view_host_error_t err;
    if (!miniapp_host_view_set_data(page, &patch, &err)) {
        miniapp_string_t message;
        miniapp_string_set(&message, "set-data failed");
        miniapp_host_sys_log(MINIAPP_HOST_SYS_LOG_LEVEL_ERROR, &message);
        miniapp_host_view_host_error_free(&err);
    }
    free(json->ptr);
    *json = (buf_t){0};
}

static void show(uint32_t page, const char *query, size_t n) {
    if (n > MAX_QUERY) n = MAX_QUERY;
    buf_t json = {0};
    put(&json, "{\"query\":");
    put_json_string(&json, query, n);
    put(&json, ",\"shown\":[");
    bool first = true;
    for (unsigned id = 1; id <= N_ITEMS; id++) {
        char t[24];
        size_t len = title(id, t);
        if (!contains(t, query, n)) continue;
        put(&json, first ? "{\"id\":" : ",{\"id\":");
        first = false;
        put_uint(&json, id);
        put(&json, ",\"title\":");
        put_json_string(&json, t, len);
        put(&json, "}");
    }
    put(&json, "],\"total\":100}");
    set_data(page, &json);
}

// The string value of `"value":"..."` inside the event's `"detail"`, unescaped (\" and \\ only;
// other escapes are kept as written) into a malloc'ed buffer; `*n` gets its length.
static char *detail_value(const miniapp_string_t *event, size_t *n) {
    const char *s = (const char *)event->ptr, *end = s + event->len;
    const char *detail = NULL;
    for (const char *p = s; p + 9 <= end; p++) {
        if (memcmp(p, "\"detail\":", 9) == 0) { detail = p + 9; break; }
    }
    *n = 0;
    char *out = malloc(event->len + 1);
    if (!out) abort();
    if (!detail) return out;
    for (const char *p = detail; p + 9 <= end; p++) {
        if (memcmp(p, "\"value\":\"", 9) != 0) continue;
        for (p += 9; p < end && *p != '"'; p++) {
            if (*p == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\')) p++;
            out[(*n)++] = *p;
        }
        break;
    }
    return out;
}

static bool is(const miniapp_string_t *s, const char *text) {
    size_t n = strlen(text);
    return s->len == n && memcmp(s->ptr, text, n) == 0;
}

// Arguments of exported functions belong to the callee: free them before returning.

void exports_miniapp_host_lifecycle_on_launch(miniapp_string_t *query) { miniapp_string_free(query); }

void exports_miniapp_host_lifecycle_on_show(void) {}

void exports_miniapp_host_lifecycle_on_hide(void) {}

void exports_miniapp_host_lifecycle_page_load(exports_miniapp_host_lifecycle_page_ref_t *page, miniapp_string_t *query) {
    const char *route = "pages/detail/detail";
    if (page->route.len == strlen(route) && memcmp(page->route.ptr, route, page->route.len) == 0) {
        // `id=8` somewhere in the query string.
        unsigned id = 0;
        const char *q = (const char *)query->ptr;
        for (size_t i = 0; i + 3 <= query->len; i++) {
            if ((i == 0 || q[i - 1] == '&') && memcmp(q + i, "id=", 3) == 0) {
                for (size_t j = i + 3; j < query->len && q[j] >= '0' && q[j] <= '9' && id < 100000; j++) id = id * 10 + (unsigned)(q[j] - '0');
                break;
            }
        }
        if (id == 0) id = 1;
        char t[24];
        size_t len = title(id, t);
        buf_t json = {0};
        put(&json, "{\"id\":");
        put_uint(&json, id);
        put(&json, ",\"title\":");
        put_json_string(&json, t, len);
        put(&json, "}");
        set_data(page->id, &json);
    } else {
        show(page->id, "", 0);
    }
    miniapp_host_types_page_ref_free(page);
    miniapp_string_free(query);
}

void exports_miniapp_host_lifecycle_page_ready(exports_miniapp_host_lifecycle_page_ref_t *page) { miniapp_host_types_page_ref_free(page); }

void exports_miniapp_host_lifecycle_page_unload(exports_miniapp_host_lifecycle_page_ref_t *page) { miniapp_host_types_page_ref_free(page); }

void exports_miniapp_host_lifecycle_handle_event(exports_miniapp_host_lifecycle_page_ref_t *page, miniapp_string_t *handler, miniapp_string_t *event) {
    if (is(handler, "onSearch")) {
        size_t n;
        char *q = detail_value(event, &n);
        show(page->id, q, n);
        free(q);
    }
    miniapp_host_types_page_ref_free(page);
    miniapp_string_free(handler);
    miniapp_string_free(event);
}

void exports_miniapp_host_lifecycle_on_callback(uint32_t callback, miniapp_string_t *payload) {
    (void)callback;
    miniapp_string_free(payload);
}
