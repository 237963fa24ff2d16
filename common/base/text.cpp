#include "common/base/text.hpp"

namespace archive {

std::string MaskIdCard(std::string_view id_card) {
  if (id_card.size() < 10) return std::string(id_card.size(), '*');
  std::string out(id_card);
  for (std::size_t i = 6; i + 4 < out.size(); ++i) out[i] = '*';
  return out;
}

}  // namespace archive
