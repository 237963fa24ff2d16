#pragma once

#include <string>
#include <string_view>

namespace archive {

// An ID card number as lists and logs may show it: the first 6 and last 4 characters, the rest as *.
// Anything shorter than 10 characters is masked whole.
std::string MaskIdCard(std::string_view id_card);

}  // namespace archive
