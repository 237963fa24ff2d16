#include "common/prereview/glyph.hpp"

#include <gtest/gtest.h>

#include <variant>

#include "common/config/config.hpp"
#include "common/pdf/context.hpp"
#include "common/pdf/drawing.hpp"
#include "common/prereview/config.hpp"

namespace archive::prereview {
namespace {

// A name written on the form's ruled line, in the hand formgen fills forms in (Noto Sans CJK SC), at 200 dpi.
image::Image WrittenName(std::u32string_view name) {
  pdf::Context context;
  auto font =
      std::get<pdf::Font>(pdf::Font::Load(context, "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2));
  pdf::Drawing drawing(240, 55);
  drawing.Text(font, name, {20, 38}, 22, pdf::Color{20, 20, 60});
  drawing.Line({5, 46}, {235, 46}, 0.8, pdf::Color{0, 0, 0});
  auto raster = std::get<pdf::Raster>(pdf::Rasterize(context, drawing, 200, pdf::ColorMode::kGray));
  return image::Image{raster.width, raster.height, raster.channels, std::move(raster.pixels)};
}

std::vector<std::string> SerifFonts() {
  return Config{}.glyph_fonts;
}

TEST(CharacterCells, FindsEachCharacterOfALineInOrderAboveItsRuledLine) {
  // Given 林川明 on a ruled line: two characters of separate parts and one of two halves
  const image::Image line = WrittenName(U"林川明");
  // When it is cut into three cells
  const std::vector<CellBox> cells = CharacterCells(line, 3, 128);
  // Then there are three, left to right, none reaching the ruled line (46 pt = 128 px at 200 dpi)
  ASSERT_EQ(cells.size(), 3u);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    EXPECT_LT(cells[i].x0, cells[i].x1);
    EXPECT_LT(cells[i].y1, 126) << i;
    if (i > 0) {
      EXPECT_GE(cells[i].x0, cells[i - 1].x1);
    }
  }
  // and each cell looks like its own character more than the others
  GlyphFonts fonts(SerifFonts());
  const std::u32string name = U"林川明";
  for (std::size_t i = 0; i < 3; ++i) {
    const GlyphShape written = ShapeIn(line, cells[i], 128);
    for (std::size_t other = 0; other < 3; ++other) {
      if (other == i) continue;
      EXPECT_GT(Correlation(written, fonts.Shapes(name[i])[0]),
                Correlation(written, fonts.Shapes(name[other])[0]) + 0.1)
          << i << " vs " << other;
    }
  }
}

TEST(CharacterCells, GivesNoneWhenTheLineDoesNotSplitIntoAsManyCharacters) {
  EXPECT_TRUE(CharacterCells(WrittenName(U"嘉"), 3, 128).empty());
  const image::Image blank{40, 20, 1, std::vector<std::uint8_t>(800, 255)};
  EXPECT_TRUE(CharacterCells(blank, 2, 128).empty());
}

TEST(GlyphShape, TellsTheRecordsCharacterFromAnotherInEveryFont) {
  // Given 程静宁 written where the record says 程静浩 (formgen's one_character_off), and 程静浩 itself
  GlyphFonts fonts(SerifFonts());
  ASSERT_EQ(fonts.size(), 2u);
  for (const auto& [written_name, written_char, other_char] :
       {std::tuple{U"程静宁", U'宁', U'浩'}, std::tuple{U"程静浩", U'浩', U'宁'}}) {
    const image::Image line = WrittenName(written_name);
    const auto cells = CharacterCells(line, 3, 128);
    ASSERT_EQ(cells.size(), 3u);
    const GlyphShape written = ShapeIn(line, cells[2], 128);
    // Then in both serif faces the written character scores well above the other one, by the default margin
    const auto as_written = fonts.Shapes(written_char), as_other = fonts.Shapes(other_char);
    for (std::size_t f = 0; f < fonts.size(); ++f) {
      EXPECT_GE(Correlation(written, as_written[f]), Config{}.glyph_min_correlation) << f;
      EXPECT_GE(Correlation(written, as_written[f]) - Correlation(written, as_other[f]), Config{}.glyph_min_margin)
          << f;
    }
  }
}

TEST(GlyphShape, IsEmptyWithoutInkAndCorrelatesOnlyShapesWithContrast) {
  const image::Image blank{40, 20, 1, std::vector<std::uint8_t>(800, 255)};
  EXPECT_TRUE(ShapeIn(blank, {0, 0, 40, 20}, 128).empty());
  EXPECT_TRUE(ShapeIn(blank, {50, 30, 10, 5}, 128).empty());  // a box outside the image, or inside out
  GlyphFonts fonts(SerifFonts());
  const GlyphShape a = fonts.Shapes(U'明')[0];
  EXPECT_NEAR(Correlation(a, a), 1.0, 1e-9);
  EXPECT_EQ(Correlation(a, {}), 0);
  EXPECT_EQ(Correlation(a, GlyphShape(a.size(), 0.5f)), 0);
}

TEST(GlyphFonts, RefusesAFontItCannotLoadAndLeavesOutCharactersAFontLacks) {
  EXPECT_THROW(GlyphFonts({"/nonexistent/font.ttc"}), std::runtime_error);
  EXPECT_THROW(GlyphFonts({"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc#two"}), std::runtime_error);
  GlyphFonts none({});
  EXPECT_EQ(none.size(), 0u);
  EXPECT_TRUE(none.Shapes(U'明').empty());
  GlyphFonts fonts(SerifFonts());
  const auto lacking = fonts.Shapes(U'\U000E01EF');  // a variation selector: no glyph of its own
  ASSERT_EQ(lacking.size(), 2u);
  EXPECT_TRUE(lacking[0].empty());
}

TEST(Config, RefusesAGlyphFontItCannotReadAndTakesNoneToTurnTheRuleOff) {
  config::Section missing(nlohmann::json{{"glyph_fonts", {"/nonexistent/font.ttc#2"}}}, "prereview");
  EXPECT_THROW(Config::From(missing), config::Error);
  config::Section none(nlohmann::json{{"glyph_fonts", nlohmann::json::array()}}, "prereview");
  EXPECT_TRUE(Config::From(none).glyph_fonts.empty());
  config::Section margin(nlohmann::json{{"glyph_min_margin", -0.1}}, "prereview");
  EXPECT_THROW(Config::From(margin), config::Error);
}

}  // namespace
}  // namespace archive::prereview
