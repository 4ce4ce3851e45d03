#pragma once
// The process environment as an injected seam, so tests choose HOME, XDG_* and secrets.
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace mps {

class Environment {
  public:
    using Lookup = std::function<std::optional<std::string>(const std::string&)>;

    // Environment: wraps a lookup function; an empty value counts as unset.
    explicit Environment(Lookup lookup) : lookup_(std::move(lookup)) {}

    // process: the real environment (getenv).
    static Environment process();
    // fixed: a map, for tests.
    static Environment fixed(std::map<std::string, std::string> values);

    // get: the value of `name`, or nothing when unset or empty.
    std::optional<std::string> get(const std::string& name) const;

  private:
    Lookup lookup_;
};

}  // namespace mps
