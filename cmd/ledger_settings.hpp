#pragma once
// Where the ledger is, as every command that reads or writes it sees it: one place, so none
// forgets the URL, the password or the timeout.
#include <memory>

#include "context.hpp"
#include "orders/ledger.hpp"

namespace mpscli {

// ledger_target: MPSUPPORT_LEDGER_URL (it wins) or [ledger] url, the password in
// MPSUPPORT_LEDGER_PASSWORD or [ledger] password_file / password_command (else libpq's own:
// PGPASSWORD, ~/.pgpass, service files), the --timeout, and the local ledger file (used when
// no URL is set). Error(usage) naming the key when the password file or command fails.
mps::LedgerTarget ledger_target(Context& ctx);

// ledger_password: MPSUPPORT_LEDGER_PASSWORD, else [ledger] password_file / password_command;
// empty when none is set (libpq's own then apply).
std::string ledger_password(Context& ctx);

// open_ledger: mps::Ledger::open(ledger_target(ctx), read_only).
std::unique_ptr<mps::Ledger> open_ledger(Context& ctx, bool read_only);

}  // namespace mpscli
