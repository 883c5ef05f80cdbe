// SPDX-License-Identifier: Apache-2.0
#include "master/file/inode.h"

#include <mutex>
#include <unordered_set>

namespace alluxio::master {

namespace {

struct Pool {
  std::mutex mu;
  std::unordered_set<std::string> strings;  // node-based: element addresses are stable
};

Pool& GlobalPool() {
  static Pool* pool = new Pool();  // never destroyed: interned strings outlive everything
  return *pool;
}

const std::string* Intern(std::string_view value) {
  // Replaying a checkpoint interns two strings per inode, nearly always the same few: remember the
  // last two per thread (pooled strings are never freed, so the pointers stay valid).
  thread_local const std::string* recent[2] = {nullptr, nullptr};
  for (const std::string* s : recent) {
    if (s != nullptr && *s == value) return s;
  }
  Pool& pool = GlobalPool();
  const std::string* interned;
  {
    std::lock_guard<std::mutex> l(pool.mu);
    interned = &*pool.strings.emplace(value).first;
  }
  recent[1] = recent[0];
  recent[0] = interned;
  return interned;
}

}  // namespace

InternedString::InternedString() {
  static const std::string* const empty = Intern("");  // default inodes are made often (arena)
  s_ = empty;
}
InternedString::InternedString(std::string_view value) : s_(Intern(value)) {}
InternedString& InternedString::operator=(std::string_view value) {
  s_ = Intern(value);
  return *this;
}

const ChildSet& Inode::children() const {
  static const ChildSet* empty = new ChildSet();
  return child_set ? *child_set : *empty;
}

}  // namespace alluxio::master
