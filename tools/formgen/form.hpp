#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/pdf/context.hpp"
#include "common/pdf/document.hpp"
#include "common/pdf/drawing.hpp"
#include "tools/formgen/random.hpp"

// The synthetic 《中国共产主义青年团入团志愿书》: eight A4 pages modelled on the printed form, filled in with an
// invented person. Everything is drawn as vectors; corpus.cpp decides whether a page is scanned or kept as is.
namespace archive::formgen {

struct FontFiles {
  std::string print = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";
  int print_face = 2;  // Noto Serif CJK SC
  std::string hand = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
  int hand_face = 2;  // Noto Sans CJK SC, jittered per character to look written by hand
};

struct Fonts {
  pdf::Font print;
  pdf::Font hand;
};

std::variant<Fonts, pdf::Error> LoadFonts(pdf::Context& context, const FontFiles& files);

struct Relative {
  std::u32string relation;
  std::u32string name;
  std::u32string politics;
  std::u32string work;
};

// An invented member. Names come from lists of common surnames and given-name characters, combined at random.
struct Person {
  std::u32string name;
  std::u32string gender;
  std::u32string ethnicity;
  std::u32string hometown;
  std::u32string education;
  std::u32string school;
  std::u32string branch;  // 所在团支部
  std::u32string address;
  std::u32string committee;  // the superior committee whose seal is on page 8
  std::string number;        // 发展团员编号: 12 digits, the first 4 the admission year (R9)
  int birth_year = 0, birth_month = 0;
  int fill_year = 0, fill_month = 0, fill_day = 0;     // 填写日期
  int admit_year = 0, admit_month = 0, admit_day = 0;  // 入团时间
  std::vector<Relative> family;
  std::u32string introducers[2];
  std::u32string secretary;
  int branch_members = 0;
};

std::u32string RandomName(Rng& rng);
Person RandomPerson(Rng& rng);

struct FormOptions {
  bool seal = true;         // the red official seal on page 8
  bool handwritten = true;  // filled in by hand (jittered glyphs); false: typed, as a digitally made form is
};

struct Form {
  std::vector<pdf::Drawing> pages;  // 8 pages, A4 portrait
  pdf::Region number_box;           // where page 1 prints "编号：<number>", in points
  pdf::Region seal_box;             // where page 8 has (or would have) the seal
};

Form BuildForm(const Fonts& fonts, const Person& person, const FormOptions& options, Rng& rng);

std::string Utf8(std::u32string_view text);
std::u32string Utf32(std::string_view ascii);

}  // namespace archive::formgen
