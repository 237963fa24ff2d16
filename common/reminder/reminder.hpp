#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/pg/pg.hpp"

// What admins are told about members whose archive is still open (R7): the banners the API shows for an
// organization's subtree, and the sentence of the daily reminder digest. Stateless; thread-safe.
namespace archive::reminder {

struct Banner {
  std::string code;  // stable machine code: ARCHIVE_NOT_UPLOADED or IDENTITY_UNAUTHENTICATED
  std::string text;  // Chinese, as R7 words it
  std::int64_t count = 0;
};

struct Banners {
  std::int64_t not_uploaded = 0;     // NOT_UPLOADED or REJECTED: an archive still has to be uploaded
  std::int64_t unauthenticated = 0;  // not AUTHENTICATED: the above plus uploads waiting for the superior

  // The banners to show, in R7's order; empty when nothing is open.
  std::vector<Banner> Messages() const;
};

// The R7 counts for the subtree of organization org_id (itself included); zeros for an unknown id. The
// caller checks that org_id lies in its user's subtree. The query reads members through the partial
// indexes of open archives, so its cost follows the open members, not the size of the subtree.
// Throws pg::Unavailable when the database is gone.
Banners ReadBanners(pg::Tx& tx, std::int64_t org_id);

struct DigestCounts {
  std::int64_t not_uploaded = 0;  // archive still to upload (not uploaded, rejected, pre-review FAIL)
  std::int64_t overdue = 0;       // of those, past their deadline
  std::int64_t awaiting = 0;      // uploaded, waiting for the superior to authenticate
};

// The digest sentence, e.g. "组织内有 5 名团员档案尚未上传，其中 2 名已逾期；3 名团员身份尚未认证".
// Zero parts are left out; all zero gives "组织内团员档案均已上传".
std::string DigestText(const DigestCounts& counts);

}  // namespace archive::reminder
