#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace archive {

// Incremental SHA-256. Not thread-safe; one per stream.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // Lower-case hex of the digest. Call once; the object is spent afterwards.
  std::string FinishHex();

 private:
  void* ctx_;  // EVP_MD_CTX, kept opaque so OpenSSL stays private to this library.
};

std::string Sha256Hex(std::string_view bytes);

// Raw SHA-256 (32 bytes) as a std::string of bytes.
std::string Sha256Raw(std::string_view bytes);

// Cryptographically random bytes, hex encoded (2 * bytes characters).
std::string RandomHex(std::size_t bytes);

// A random (version 4) UUID in canonical text form.
std::string RandomUuid();

}  // namespace archive
