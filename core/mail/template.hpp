#pragma once
// Message templates: text with {placeholder} fields ("{{" is a literal "{").
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mps {

// check_template: throws Error(usage) naming `source` and the first unknown or unclosed
// placeholder; `known` lists the allowed names.
void check_template(std::string_view text, const std::vector<std::string>& known,
                    const std::string& source);

// expand_template: `text` with every {name} replaced by values.at(name) (checked before).
std::string expand_template(std::string_view text,
                            const std::map<std::string, std::string>& values);

}  // namespace mps
