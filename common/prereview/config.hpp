#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/config/config.hpp"

namespace archive::prereview {

// A rectangle on a page in points (1/72 inch) from the page's top-left corner, as a reader shows the page.
struct Box {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
};

// Every threshold of the pre-review, in one section ("prereview" in the configuration file). Defaults fit the
// printed 《入团志愿书》 (A4, 8 pages, the number at the top right of page 1, the seal on page 8).
struct Config {
  // Integrity (R2).
  long max_bytes = 20L << 20;  // R2; set from policy.max_archive_bytes (FromFile)
  // Completeness.
  int expected_pages = 8;
  // Pages past this are not examined (a 10,000-page file gets PAGE_COUNT, not 10,000 renders).
  int max_pages_examined = 16;
  // The approval page (上级团委审批意见) that carries the seal: 1-based, or 0 for the last page.
  int approval_page = 0;

  // Scan quality, measured on a gray render of each page at quality_dpi.
  double quality_dpi = 75;
  double min_dpi = 150;  // LOW_RESOLUTION below this effective resolution of the page's scan
  // A page is BLANK_PAGE when at most blank_max_ink of it is ink (darker than 160 of 255) and at most
  // blank_max_faint is even faint (darker than faint_below). Ink that is only faint is a blurred page.
  double blank_max_ink = 0.001;
  double blank_max_faint = 0.002;
  int faint_below = 225;
  double blurry_max_sharpness = 2;  // BLURRY_PAGE below this image::Sharpness
  // ORIENTATION: an upright page of the form has its page number in the bottom margin and nothing in the top one.
  // A page whose top band carries more than orientation_ratio times the ink of its bottom band (and at least
  // orientation_min_ink) is upside down. A landscape page is sideways.
  double orientation_band_pt = 60;
  double orientation_ratio = 4;
  double orientation_min_ink = 0.0001;
  // Page 1 has no page number: it may be upside down when the place of its number's digits (cover_mark_box) is
  // empty and the place's half-turn counterpart carries orientation_ratio times its ink; that is confirmed by
  // finding the number on the half-turned page when it is not found upright (without a record number, the ink
  // decides). A landscape page 1 is turned clockwise or anticlockwise by where the place's quarter-turn
  // counterparts carry more ink. The number and the name are then read from the turned page.
  Box cover_mark_box{415, 45, 135, 40};

  // Seal: the red share of the approval page's lower half, rendered in colour at seal_dpi.
  double seal_dpi = 50;
  double seal_min_red = 0.001;
  // A page is a colour scan when at least colour_min_share of its pixels have channels colour_min_chroma apart;
  // otherwise SEAL_MISSING says to scan in colour (hint "grayscale").
  int colour_min_chroma = 2;
  double colour_min_share = 0.001;

  // Identity on page 1: digits OCR of the number box, chi_sim OCR of the name line.
  Box number_box{300, 15, 295, 140};
  double number_dpi = 300;
  int number_min_confidence = 70;  // below it a read is NUMBER_UNREADABLE, never a mismatch
  Box name_box{240, 480, 240, 55};
  double name_dpi = 200;
  int name_min_confidence = 65;
  // NAME_MISMATCH needs this many differing characters: OCR of handwriting misreads single characters, so one
  // different character is not evidence (see docs/prereview.md).
  int name_min_differences = 2;
  // A read between name_confirmed_min_confidence and name_min_confidence is evidence too when a second read of
  // the box, allowed only the record's characters, finds none of them (see docs/prereview.md).
  int name_confirmed_min_confidence = 45;
  // The ink of the name's characters is compared with glyphs (prereview/glyph.hpp) in every font of glyph_fonts
  // (at any read confidence): NAME_MISMATCH where a read as long as the record's name differs and the ink
  // correlates with the read character at least glyph_min_correlation and glyph_min_margin more than with the
  // record's; where a record's character scores below glyph_max_absent while its other characters reach
  // glyph_min_correlation; and where every character of a read of another length reaches glyph_min_correlation.
  // Fonts are "PATH" or "PATH#FACE" (a face of a collection): serif faces, not a hand a form is filled in with,
  // so that the rules lean on no one hand; none turns them off (docs/prereview.md, "The name").
  std::vector<std::string> glyph_fonts{"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc#2",
                                       "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc#2"};
  double glyph_min_correlation = 0.4;
  double glyph_min_margin = 0.2;
  double glyph_max_absent = 0.25;

  // DUPLICATE_FILE (the worker): page 1's fingerprint is image::LineProfileHash of the number's line in
  // number_box, and another member's version whose fingerprint is within duplicate_max_distance bits is the
  // same sheet (a rescan). At most 3: candidates are found through an index on each 16-bit quarter of the
  // fingerprint, and two fingerprints at most 3 bits apart share a quarter.
  int duplicate_max_distance = 3;

  // Rendering budget per document for MuPDF (the sandbox's address-space limit must be larger).
  long memory_bytes = 256L << 20;
  long max_image_pixels = 100'000'000;

  // Sandbox: the wall time a document may take, its children, the address space per child.
  std::chrono::milliseconds timeout{10000};
  long child_memory_bytes = 512L << 20;
  int children = 1;

  // Reads the "prereview" section; unknown keys are refused (config::Error names them). The sandbox child reads the
  // parent's whole Config this way, max_bytes included.
  static Config From(config::Section& section);
  // The same for the configuration file, where max_bytes is not a key: R2's limit has one key,
  // policy.max_archive_bytes (common/lifecycle/policy.hpp), whose value the caller passes.
  static Config FromFile(config::Section& section, long max_archive_bytes);
};

}  // namespace archive::prereview
