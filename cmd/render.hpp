#pragma once
// Everything printed for the user: doctor-style text or one JSON document, and errors. The
// mapping from error kinds to exit codes lives here, in one place (SPEC.md "Exit codes").
#include <nlohmann/json.hpp>
#include <string>

#include "context.hpp"
#include "report/report.hpp"
#include "util/error.hpp"

namespace mpscli {

// exit_code_for: the documented exit code of an error kind.
int exit_code_for(mps::ErrorKind kind);

// report_exit_code: 0, or the code of the deciding failed check.
int report_exit_code(const mps::Report& report);

// emit_report: print `report` as text or JSON; returns the exit code.
int emit_report(Context& ctx, const mps::Report& report);

// emit_json: print `document` (with its "schema") plus "exit_code"; returns `exit_code`.
int emit_json(Context& ctx, nlohmann::json document, int exit_code = 0);

// emit_error: print an error as text on stderr, or as a mpsupport.error/1 document on stdout in
// JSON mode; returns its exit code.
int emit_error(Context& ctx, const mps::Error& error);

// print_error: the text form of an error on stderr ("mpsupport: error: ..." and its hint), for
// a command that reports an error beside its own output.
void print_error(Context& ctx, const mps::Error& error);

// paint: wrap `text` in an ANSI colour when colours are on ("green", "yellow", "red", "dim",
// "bold").
std::string paint(const Context& ctx, const std::string& text, const char* color);

}  // namespace mpscli
