#pragma once
// Reading text out of HTML from shops (storefront, back office, contact form answers): the one
// entity decoder and the one tag stripper.
#include <string>
#include <string_view>

namespace mps {

// decode_entities: &amp; &lt; &gt; &quot; &apos; &#NN; &#xNN; and common named entities (&nbsp;
// as U+00A0, &trade; as U+2122, accented letters) decoded to UTF-8; an unknown or unterminated
// entity is kept as written; a reference to NUL, a surrogate or beyond U+10FFFF gives U+FFFD.
std::string decode_entities(std::string_view text);

// html_text: the text a browser shows: comments removed, block tags (br, p, div, li, td, ...)
// as a blank, inline tags (b, span, a, ...) removed without one ("<b>Warning</b>:" reads
// "Warning:"), entities decoded, blanks (and no-break spaces) collapsed to one space, trimmed.
std::string html_text(std::string_view html);

}  // namespace mps
