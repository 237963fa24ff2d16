#include "common/prereview/config.hpp"

#include <fstream>

namespace archive::prereview {
namespace {

void ReadBox(config::Section& parent, std::string_view key, Box& box) {
  config::Section section = parent.Child(key);
  section.Read("x", box.x);
  section.Read("y", box.y);
  section.Read("width", box.width);
  section.Read("height", box.height);
  section.RejectUnknown();
  if (box.width <= 0 || box.height <= 0) {
    throw config::Error(section.path() + ": width and height must be positive (points)");
  }
}

}  // namespace

Config Config::FromFile(config::Section& section, long max_archive_bytes) {
  auto probe = section;
  long set = -1;
  probe.Read("max_bytes", set);
  if (set != -1) {
    throw config::Error(section.path() + ".max_bytes: the archive's size limit is policy.max_archive_bytes");
  }
  Config c = From(section);
  c.max_bytes = max_archive_bytes;
  return c;
}

Config Config::From(config::Section& section) {
  Config c;
  section.Read("max_bytes", c.max_bytes);
  section.Read("expected_pages", c.expected_pages);
  section.Read("max_pages_examined", c.max_pages_examined);
  section.Read("approval_page", c.approval_page);
  section.Read("quality_dpi", c.quality_dpi);
  section.Read("min_dpi", c.min_dpi);
  section.Read("blank_max_ink", c.blank_max_ink);
  section.Read("blank_max_faint", c.blank_max_faint);
  section.Read("faint_below", c.faint_below);
  section.Read("name_min_differences", c.name_min_differences);
  ReadBox(section, "cover_mark_box", c.cover_mark_box);
  section.Read("duplicate_max_distance", c.duplicate_max_distance);
  section.Read("blurry_max_sharpness", c.blurry_max_sharpness);
  section.Read("orientation_band_pt", c.orientation_band_pt);
  section.Read("orientation_ratio", c.orientation_ratio);
  section.Read("orientation_min_ink", c.orientation_min_ink);
  section.Read("seal_dpi", c.seal_dpi);
  section.Read("seal_min_red", c.seal_min_red);
  section.Read("colour_min_chroma", c.colour_min_chroma);
  section.Read("colour_min_share", c.colour_min_share);
  ReadBox(section, "number_box", c.number_box);
  section.Read("number_dpi", c.number_dpi);
  section.Read("number_min_confidence", c.number_min_confidence);
  ReadBox(section, "name_box", c.name_box);
  section.Read("name_dpi", c.name_dpi);
  section.Read("name_min_confidence", c.name_min_confidence);
  section.Read("name_confirmed_min_confidence", c.name_confirmed_min_confidence);
  section.Read("glyph_fonts", c.glyph_fonts);
  section.Read("glyph_min_correlation", c.glyph_min_correlation);
  section.Read("glyph_min_margin", c.glyph_min_margin);
  section.Read("glyph_max_absent", c.glyph_max_absent);
  section.Read("memory_bytes", c.memory_bytes);
  section.Read("max_image_pixels", c.max_image_pixels);
  section.Read("timeout_ms", c.timeout);
  section.Read("child_memory_bytes", c.child_memory_bytes);
  section.Read("children", c.children);
  section.RejectUnknown();
  const auto positive = [&](bool ok, std::string_view key) {
    if (!ok) throw config::Error(section.path() + "." + std::string(key) + " must be positive");
  };
  positive(c.max_bytes > 0, "max_bytes");
  positive(c.expected_pages > 0, "expected_pages");
  positive(c.max_pages_examined > 0, "max_pages_examined");
  positive(c.quality_dpi > 0 && c.seal_dpi > 0 && c.number_dpi > 0 && c.name_dpi > 0, "*_dpi");
  positive(c.children > 0, "children");
  positive(c.timeout.count() > 0, "timeout_ms");
  if (c.duplicate_max_distance < 0 || c.duplicate_max_distance > 3) {
    throw config::Error(section.path() + ".duplicate_max_distance must be 0..3 (bits of the 64-bit fingerprint)");
  }
  if (c.name_confirmed_min_confidence > c.name_min_confidence) {
    throw config::Error(section.path() + ".name_confirmed_min_confidence must be at most name_min_confidence");
  }
  for (const std::string& font : c.glyph_fonts) {
    if (!std::ifstream(font.substr(0, font.rfind('#'))).good()) {
      throw config::Error(section.path() + ".glyph_fonts: cannot read " + font +
                          " (Debian's fonts-noto-cjk has the default ones; [] turns the glyph rules off)");
    }
  }
  if (c.glyph_min_correlation > 1 || c.glyph_min_margin < 0 || c.glyph_max_absent >= c.glyph_min_correlation) {
    throw config::Error(section.path() +
                        ": glyph_min_correlation must be at most 1, glyph_min_margin at least 0 and glyph_max_absent "
                        "below glyph_min_correlation");
  }
  if (c.approval_page < 0) throw config::Error(section.path() + ".approval_page must be 0 (the last page) or a page");
  return c;
}

}  // namespace archive::prereview
