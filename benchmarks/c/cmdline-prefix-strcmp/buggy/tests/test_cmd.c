#include "tap.h"
#include "../src/cmd.h"

int main(void) {
    const char *arg;
    plan(6);
    is_int(cmd_parse("QUIT", &arg), CMD_QUIT, "a bare command");
    is_int(cmd_parse("GET color", &arg), CMD_GET, "a command with an argument");
    cmd_parse("SET  color  blue", &arg);
    is_str(arg, "color  blue", "arguments start after the spaces");
    is_int(cmd_parse("GETX color", &arg), CMD_UNKNOWN, "a longer word is not the command");
    is_int(cmd_parse("DEL key", &arg), CMD_DEL, "delete");
    is_str(cmd_name(CMD_SET), "SET", "names of commands");
    return done_testing();
}
