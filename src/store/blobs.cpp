// The PostgreSQL backend of BlobStore, and choosing the backend (blobs.h).
#include "store/blobs.h"

#include "core/files.h"
#include "core/hash.h"
#include "store/pg_db.h"

namespace slipway::store {

namespace fs = std::filesystem;

namespace {

// Rows of the `blobs` table (migration 11), content as bytea sent and read
// as hex: one value per blob, held in memory while it moves, and twice its
// size as hex within PostgreSQL's 1 GB per message: at most 512 MB a blob.
class PgBlobStore final : public BlobStore {
 public:
  explicit PgBlobStore(std::string url) : m_url(std::move(url)) {}

  Status put(const std::string& sha256, std::string_view bytes) override {
    Result<std::unique_ptr<PgDb>> db = PgDb::open(m_url);
    if (!db) return std::unexpected(db.error());
    Result<Statement> insert = (*db)->prepare(
        "INSERT INTO blobs (sha256, size, content) VALUES (?1, ?2, decode(?3, 'hex')) ON CONFLICT (sha256) DO NOTHING");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, sha256).bind(2, static_cast<std::int64_t>(bytes.size())).bind(3, hex_of(bytes));
    return insert->run();
  }

  Status put_file(const std::string& sha256, const fs::path& from) override {
    if (Result<bool> there = has(sha256); !there || *there) return there ? Status{} : Status(std::unexpected(there.error()));
    Result<std::string> bytes = read_text_file(from);
    if (!bytes) return std::unexpected(bytes.error());
    return put(sha256, *bytes);
  }

  Result<std::string> get(const std::string& sha256) override {
    Result<std::unique_ptr<PgDb>> db = PgDb::open(m_url);
    if (!db) return std::unexpected(db.error());
    Result<Statement> query = (*db)->prepare("SELECT encode(content, 'hex') FROM blobs WHERE sha256 = ?1");
    if (!query) return std::unexpected(query.error());
    query->bind(1, sha256);
    Result<bool> row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(ErrorCode::not_found, "blob " + sha256 + " is not in " + where());
    std::optional<std::string> bytes = bytes_of_hex(query->column_text(0));
    if (!bytes) return fail(ErrorCode::corrupt, "blob " + sha256 + " of " + where() + " is unreadable");
    return *bytes;
  }

  Status get_file(const std::string& sha256, const fs::path& to) override {
    Result<std::string> bytes = get(sha256);
    if (!bytes) return std::unexpected(bytes.error());
    return write_file_atomic(to, *bytes, FileAccess::owner);
  }

  Result<std::vector<std::string>> list() override {
    Result<std::unique_ptr<PgDb>> db = PgDb::open(m_url);
    if (!db) return std::unexpected(db.error());
    return first_column(**db, "SELECT sha256 FROM blobs ORDER BY sha256");
  }

  std::string where() const override { return safe_database_url(m_url) + " (table blobs)"; }

 private:
  Result<bool> has(const std::string& sha256) {
    Result<std::unique_ptr<PgDb>> db = PgDb::open(m_url);
    if (!db) return std::unexpected(db.error());
    Result<std::vector<std::string>> found = first_column(**db, "SELECT sha256 FROM blobs WHERE sha256 = ?1", sha256);
    if (!found) return std::unexpected(found.error());
    return !found->empty();
  }

  std::string m_url;
};

}  // namespace

std::shared_ptr<BlobStore> open_blob_store(const std::string& location, const fs::path& state_root) {
  if (is_postgresql_url(location)) return std::make_shared<PgBlobStore>(location);
  return folder_blob_store(state_root / "artifacts");
}

}  // namespace slipway::store
