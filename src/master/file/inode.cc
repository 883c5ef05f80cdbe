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
  Pool& pool = GlobalPool();
  std::lock_guard<std::mutex> l(pool.mu);
  return &*pool.strings.emplace(value).first;
}

}  // namespace

InternedString::InternedString() : s_(Intern("")) {}
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
