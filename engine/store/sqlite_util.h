// Thin RAII around the SQLite C API: owners for connections and statements,
// and a statement helper that binds, steps and reports errors as Status.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace vigil::store {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

Result<DbPtr> openDb(const std::string& path, bool readOnly);
Status exec(sqlite3* db, std::string_view sql);

class Stmt {
 public:
  Stmt(sqlite3* db, std::string_view sql);
  bool valid() const { return stmt_ != nullptr; }
  Stmt& bind(int index, int64_t value);
  Stmt& bind(int index, std::string_view value);
  // Ready to run again (bindings kept until rebound).
  Stmt& reset();
  // Steps once: true when a row is available.
  bool step();
  // Steps to completion; error Status if SQLite failed.
  Status run();
  int64_t int64(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
  std::string text(int col) const;
  const std::string& error() const { return error_; }

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  std::string error_;
};

}  // namespace vigil::store
