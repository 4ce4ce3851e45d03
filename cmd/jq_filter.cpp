#include "jq_filter.hpp"

#include <memory>
#include <vector>

#include "util/error.hpp"
#include "util/jq_api.hpp"

namespace mpscli {
namespace {

using mps::jq;

// message_of: the text of a jq message or error value (consumed).
std::string message_of(jv value) {
    if (jq().jv_get_kind(value) == JV_KIND_STRING) {
        std::string text(
            jq().jv_string_value(value),
            static_cast<std::size_t>(jq().jv_string_length_bytes(jq().jv_copy(value))));
        jq().jv_free(value);
        return text;
    }
    jv dumped = jq().jv_dump_string(value, 0);
    std::string text = jq().jv_string_value(dumped);
    jq().jv_free(dumped);
    return text;
}

// one_line: jq's multi-line compile messages ("jq: error: ... at <top-level>, line 1:\n.[\njq:
// 1 compile error") as one line.
std::string one_line(const std::vector<std::string>& messages) {
    std::string out;
    for (const auto& message : messages) {
        std::size_t start = 0;
        while (start <= message.size()) {
            std::size_t end = message.find('\n', start);
            std::string line = message.substr(start, end - start);
            if (line.rfind("jq: error: ", 0) == 0) line = line.substr(11);
            // The first line says what is wrong; the next ones echo the program.
            while (!line.empty() && (line.back() == ':' || line.back() == ' ')) line.pop_back();
            if (!line.empty() && line.find("compile error") == std::string::npos)
                out += (out.empty() ? "" : "; ") + line;
            break;
            start = end + 1;
        }
    }
    return out.empty() ? "invalid expression" : out;
}

void collect(void* data, jv message) {
    static_cast<std::vector<std::string>*>(data)->push_back(message_of(message));
}

struct Teardown {
    void operator()(jq_state* state) const { jq().jq_teardown(&state); }
};

// compiled: a jq state with `expression` compiled; Error(usage) when it does not compile.
std::unique_ptr<jq_state, Teardown> compiled(const std::string& expression,
                                             std::vector<std::string>& messages) {
    std::unique_ptr<jq_state, Teardown> state(jq().jq_init());
    if (!state) throw mps::Error(mps::ErrorKind::internal, "jq: cannot initialise libjq");
    jq().jq_set_error_cb(state.get(), collect, &messages);
    if (!jq().jq_compile(state.get(), expression.c_str()))
        throw mps::Error(mps::ErrorKind::usage, "--jq: " + one_line(messages),
                         "fix the expression (jq syntax: see jq(1)); quote it for the shell, "
                         "e.g. --jq '.checks[].id'");
    return state;
}

}  // namespace

void check_jq(const std::string& expression) {
    std::vector<std::string> messages;
    compiled(expression, messages);
}

std::string apply_jq(const std::string& expression, const std::string& document) {
    std::vector<std::string> messages;
    auto state = compiled(expression, messages);
    jv input = jq().jv_parse_sized(document.data(), static_cast<int>(document.size()));
    if (jq().jv_get_kind(input) == JV_KIND_INVALID)
        throw mps::Error(mps::ErrorKind::internal, "--jq: the JSON document does not parse: " +
                                                       message_of(jq().jv_invalid_get_msg(input)));
    jq().jq_start(state.get(), input, 0);
    std::string out;
    for (;;) {
        jv result = jq().jq_next(state.get());
        if (jq().jv_get_kind(result) == JV_KIND_INVALID) {
            if (!jq().jv_invalid_has_msg(jq().jv_copy(result))) {
                jq().jv_free(result);
                break;
            }
            throw mps::Error(mps::ErrorKind::usage,
                             "--jq: " + message_of(jq().jv_invalid_get_msg(result)),
                             "check the expression against the document printed by --json");
        }
        if (jq().jv_get_kind(result) == JV_KIND_STRING) {
            out.append(jq().jv_string_value(result),
                       static_cast<std::size_t>(jq().jv_string_length_bytes(jq().jv_copy(result))));
            jq().jv_free(result);
        } else {
            jv dumped = jq().jv_dump_string(result, 0);
            out += jq().jv_string_value(dumped);
            jq().jv_free(dumped);
        }
        out += '\n';
    }
    return out;
}

}  // namespace mpscli
