#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kv.h"

int kv_parse(struct kv *kv, const char *text) {
    char line[128];
    kv->count = 0;
    while (*text && kv->count < KV_MAX) {
        size_t len = strcspn(text, "\n");
        snprintf(line, sizeof line, "%.*s", (int)len, text);
        text += len + (text[len] == '\n');
        char *eq = strchr(line, '=');
        if (line[0] == '#' || eq == NULL)
            continue;
        *eq = '\0';
        snprintf(kv->keys[kv->count], sizeof kv->keys[0], "%s", line);
        snprintf(kv->values[kv->count], sizeof kv->values[0], "%s", eq + 1);
        kv->count++;
    }
    return kv->count;
}

const char *kv_get(const struct kv *kv, const char *key) {
    for (int i = 0; i < kv->count; i++) {
        if (strcmp(kv->keys[i], key) == 0)
            return kv->values[i];
    }
    return NULL;
}

int kv_get_int(const struct kv *kv, const char *key, int fallback) {
    const char *value = kv_get(kv, key);
    char *end;
    long parsed = strtol(value, &end, 10);
    if (end == value || *end != '\0')
        return fallback;
    return (int)parsed;
}
