#pragma once

#include <array>

#include "common/pdf/drawing.hpp"
#include "common/pdf/raster.hpp"
#include "tools/formgen/random.hpp"

// What scanners and phone cameras do to a page, done by hand on 8-bit gray or RGB rasters. Every effect is
// deterministic given the Rng it is handed.
namespace archive::formgen {

// Adds zero-mean gaussian noise of the given standard deviation (in levels) to every sample.
void AddGaussianNoise(pdf::Raster& raster, double sigma, Rng& rng);

// Sets `fraction` of the pixels to black or white.
void AddSaltAndPepper(pdf::Raster& raster, double fraction, Rng& rng);

// Gaussian blur (three box passes each way), sigma in pixels.
void Blur(pdf::Raster& raster, double sigma);

// Turns the page content by `degrees` counter-clockwise about the centre, keeping the size; uncovered corners
// get `background`.
void Rotate(pdf::Raster& raster, double degrees, pdf::Color background);

// Exact quarter turns: 180 keeps the size, 90 (clockwise) swaps width and height.
void RotateHalfTurn(pdf::Raster& raster);
void RotateQuarterTurnClockwise(pdf::Raster& raster);

// Maps the whole raster onto the quadrilateral `corners` (top-left, top-right, bottom-right, bottom-left, in
// output pixels) of an output of the same size, like a photo taken at an angle; outside is `background`.
void WarpPerspective(pdf::Raster& raster, const std::array<pdf::Point, 4>& corners, pdf::Color background);

// Multiplies each pixel by a light level that falls off linearly from `bright` at (cx, cy) (fractions of the
// size) to `dark` at the farthest corner, and by a colour cast per channel (for RGB).
void UnevenLighting(pdf::Raster& raster, double cx, double cy, double bright, double dark, std::array<double, 3> cast);

// Luminance of an RGB raster (ITU-R BT.601 weights); a gray raster is returned as it is.
pdf::Raster ToGray(const pdf::Raster& raster);

// A page with nothing on it: paper tone, faint noise and a few specks of dust.
pdf::Raster BlankPaper(int width, int height, pdf::ColorMode mode, Rng& rng);

}  // namespace archive::formgen
