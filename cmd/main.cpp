// mpsupport: the entry point: the process's streams, terminal, environment and clock, and the
// command line handed to run_cli (cli.cpp).
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "context.hpp"

int main(int argc, char** argv) {
    const char* term = std::getenv("TERM");
    mpscli::Terminal terminal{isatty(0) == 1, isatty(1) == 1, isatty(2) == 1,
                              term && std::string(term) == "dumb"};
    mpscli::Context ctx(std::cout, std::cerr, std::cin, mps::Environment::process(), terminal,
                        [] { return std::chrono::system_clock::now(); });
    return mpscli::run_cli(ctx, std::vector<std::string>(argv + 1, argv + argc));
}
