#include <string.h>
#include "cmd.h"

static const struct {
    const char *name;
    enum cmd_kind kind;
} COMMANDS[] = {
    {"GET", CMD_GET}, {"SET", CMD_SET}, {"DEL", CMD_DEL}, {"QUIT", CMD_QUIT},
};

enum cmd_kind cmd_parse(const char *line, const char **arg) {
    *arg = "";
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++) {
        size_t n = strlen(COMMANDS[i].name);
        if (strcmp(line, COMMANDS[i].name) == 0 && (line[n] == ' ' || line[n] == '\0')) {
            const char *rest = line + n;
            while (*rest == ' ')
                rest++;
            *arg = rest;
            return COMMANDS[i].kind;
        }
    }
    return CMD_UNKNOWN;
}

const char *cmd_name(enum cmd_kind kind) {
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++) {
        if (COMMANDS[i].kind == kind)
            return COMMANDS[i].name;
    }
    return "?";
}
