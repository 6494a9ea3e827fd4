// barionctl: drive and watch payments, and operate wallets, through barion-grpc-gateway from a
// terminal. Run `barionctl --help` or `barionctl SUBCOMMAND --help`. The commands are in
// client/ctl/ (commands.h has the table).
#include "client/ctl/commands.h"

int main(int argc, char** argv) { return barion_gateway::ctl::RunBarionctl(argc, argv); }
