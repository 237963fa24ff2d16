#pragma once

#include <cstdint>
#include <string>
#include <vector>

// Measurements of scanned pages for the pre-review, on plain pixel buffers (no library state, all
// functions pure and thread-safe). Thresholds are the caller's: these only measure.
namespace archive::image {

// 8-bit pixels, row-major, 1 (gray) or 3 (RGB) channels, no padding between rows.
struct Image {
  int width = 0;
  int height = 0;
  int channels = 1;
  std::vector<std::uint8_t> pixels;

  std::uint8_t At(int x, int y, int c = 0) const {
    return pixels[(static_cast<std::size_t>(y) * width + x) * channels + c];
  }
};

// Luma (ITU-R BT.601) of an RGB image, or a copy of a gray one.
Image ToGray(const Image& image);

// The part of image inside [x0, x1) × [y0, y1), given as fractions of its width and height.
Image Crop(const Image& image, double x0, double y0, double x1, double y1);

// Rotated by 90, 180 or 270 degrees clockwise.
Image Rotate(const Image& image, int degrees);

// Evens out uneven lighting (a phone photo, a shadow): divides each pixel by the paper's brightness around it
// (the 90th percentile of its block of about block×block pixels, interpolated), so the paper becomes 255
// wherever it is. Gray in, gray out.
Image Flatten(const Image& gray, int block = 32);

// A 3×3 median: removes salt-and-pepper noise and keeps strokes. Gray in, gray out.
Image Median3(const Image& gray);

// The fraction of pixels darker than `ink_below` (0..255), i.e. how much of the page carries ink.
double InkRatio(const Image& gray, int ink_below = 160);

// Sharpness: the variance of the 4-neighbour Laplacian over the pixels near ink, normalised by the
// page's contrast, so that a faint sharp scan and a dark blurry one are told apart. Higher is sharper.
double Sharpness(const Image& gray);

// Whether an RGB image carries colour at all (a grayscale scan saved as RGB does not).
bool HasColour(const Image& rgb, int min_chroma = 40, double min_fraction = 0.0005);

// The fraction of pixels that are seal red: strong red with little green and blue.
double RedRatio(const Image& rgb);

// Text lines run along the rows of an upright page: the row profile of ink varies much more than the
// column profile. Returns (row-profile variance) / (column-profile variance); below 1 suggests a page
// on its side.
double LineDirectionRatio(const Image& gray);

// A 64-bit difference hash of the image (9×8 gray samples, one bit per horizontal neighbour pair), and
// the number of differing bits between two hashes. Two scans of the same page differ in few bits.
std::uint64_t DifferenceHash(const Image& gray);
int HammingDistance(std::uint64_t a, std::uint64_t b);

// A 64-bit difference hash of one line of print (the 12 digits of a number): the darkness of each column
// (below a paper level of 230), summed down the line, over the columns that carry a stroke (a tenth of the height, at
// least three pixels, darker than `ink_below`), in 65 bins; a bit is set where a bin is darker than its right-hand
// neighbour by over 3 % of the darkest bin. Summing down the columns makes it indifferent to a slight turn of the line
// and to noise; the gaps between glyphs give 0 whatever the noise. 0 when the image has no ink.
std::uint64_t LineProfileHash(const Image& gray, int ink_below = 160);

// Otsu's global threshold (0..255) and the image binarised with it: ink 0, paper 255.
int OtsuThreshold(const Image& gray);
Image Binarize(const Image& gray, int threshold);

// The image as a PNG file (8-bit gray or RGB), for evidence crops shown to the approver.
std::string EncodePng(const Image& image);

}  // namespace archive::image
