#ifndef CMD_H
#define CMD_H
enum cmd_kind { CMD_UNKNOWN, CMD_GET, CMD_SET, CMD_DEL, CMD_QUIT };

/* Parses a protocol line such as "GET key"; *arg points at the arguments (or ""). */
enum cmd_kind cmd_parse(const char *line, const char **arg);
const char *cmd_name(enum cmd_kind kind);
#endif
