#ifndef KV_H
#define KV_H
#define KV_MAX 16

/* key=value settings parsed from text, one per line; '#' starts a comment line. */
struct kv {
    char keys[KV_MAX][32];
    char values[KV_MAX][64];
    int count;
};

int kv_parse(struct kv *kv, const char *text);
const char *kv_get(const struct kv *kv, const char *key);
int kv_get_int(const struct kv *kv, const char *key, int fallback);
#endif
