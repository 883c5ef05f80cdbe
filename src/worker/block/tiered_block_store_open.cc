// SPDX-License-Identifier: Apache-2.0
// TieredBlockStore restart: rebuild the metadata from the tier directories (format page,
// "Restart"). Fast by construction: one readdir and one fstatat per file, one read of each
// manifest, no fsync and no checksum per block (unless verify_checksums_on_open).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "worker/block/tiered_block_store.h"

namespace alluxio::worker {
namespace {

// Block file names are canonical decimal int64s ("123", "-5"); "007" or "+7" are not.
bool ParseBlockId(std::string_view name, BlockId* id) {
  if (name.empty() || name.size() > 20) return false;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), *id);
  return ec == std::errc() && end == name.data() + name.size() && std::to_string(*id) == name;
}

// Calls `fn` with the name and lstat of every entry of the open directory `d` (at `path`) but
// "." and ".." (an entry that vanishes meanwhile is skipped), then closes `d`.
Status ForEachEntry(DIR* d, const std::string& path,
                    const std::function<void(std::string_view, const struct stat&)>& fn) {
  const int fd = ::dirfd(d);
  for (;;) {
    errno = 0;
    struct dirent* e = ::readdir(d);
    if (e == nullptr) {
      int err = errno;
      ::closedir(d);
      if (err != 0) return ErrnoToStatus(err, "readdir", path);
      return Status::OK();
    }
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat st;
    if (::fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // Raced away.
    fn(name, st);
  }
}

int64_t MtimeNs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

}  // namespace

struct TieredBlockStore::FoundBlock {
  BlockId id = 0;
  int64_t length = 0;
  int64_t mtime_ns = 0;
  std::optional<uint64_t> checksum;  // from the manifest, when the size matched
  int64_t offset = kOwnFile;         // packed: its place in its file's container
};

struct TieredBlockStore::FoundContainer {
  Dir* dir = nullptr;
  FileId file_id = 0;
  std::string path;
  int64_t size = 0;
  int64_t mtime_ns = 0;
};

Result<std::unique_ptr<BlockStore>> BlockStore::Open(const StoreOptions& options, env::Env* env) {
  ASSIGN_OR_RETURN(std::unique_ptr<TieredBlockStore> store,
                   TieredBlockStore::Open(options, env != nullptr ? env : env::Env::Default()));
  return std::unique_ptr<BlockStore>(std::move(store));
}

TieredBlockStore::TieredBlockStore(const StoreOptions& options, env::Env* env)
    : options_(options),
      env_(env),
      allocator_(NewAllocator(options.allocator)),
      annotator_(NewAnnotator(options)) {
  for (size_t level = 0; level < options_.tiers.size(); level++) {
    const TierOptions& tier_options = options_.tiers[level];
    Tier& tier = tiers_.emplace_back();
    tier.alias = tier_options.alias;
    tier.level = static_cast<int>(level);
    for (size_t i = 0; i < tier_options.dirs.size(); i++) {
      const DirOptions& d = tier_options.dirs[i];
      auto dir = std::make_unique<Dir>();
      dir->tier_alias = tier.alias;
      dir->tier_level = tier.level;
      dir->dir_index = static_cast<int>(i);
      dir->path = d.path;
      std::filesystem::path root(d.path);
      dir->data_dir = (root / options_.data_folder).lexically_normal().string();
      while (dir->data_dir.size() > 1 && dir->data_dir.back() == '/') dir->data_dir.pop_back();
      dir->tmp_dir =
          (std::filesystem::path(dir->data_dir) / options_.tmp_folder).lexically_normal().string();
      while (dir->tmp_dir.size() > 1 && dir->tmp_dir.back() == '/') dir->tmp_dir.pop_back();
      dir->medium_type = d.medium_type;
      dir->capacity = d.quota_bytes;
      dir->location = BlockLocation{tier.alias, tier.level, dir->dir_index, d.path, d.medium_type};
      tier.dirs.push_back(dir.get());
      dirs_.push_back(std::move(dir));
    }
  }
}

Result<std::unique_ptr<TieredBlockStore>> TieredBlockStore::Open(const StoreOptions& options,
                                                                 env::Env* env) {
  RETURN_IF_ERROR(options.Validate());
  std::unique_ptr<TieredBlockStore> store(new TieredBlockStore(options, env));
  store->Recover();
  return store;
}

Status TieredBlockStore::ScanDir(Dir* dir, std::vector<FoundBlock>* found, ParsedManifest* manifest,
                                 std::vector<FoundContainer>* containers) {
  RETURN_IF_ERROR(env_->CreateDirs(dir->data_dir));
  // Blocks being written when the worker stopped are never complete: drop them all.
  RETURN_IF_ERROR(env_->RemoveDirRecursively(dir->tmp_dir));
  RETURN_IF_ERROR(env_->CreateDirs(dir->tmp_dir));

  Result<std::string> data =
      env::ReadFileToString(env_, fmt::format("{}/{}", dir->data_dir, kManifestFileName));
  if (data.ok()) {
    *manifest = ParseManifest(*data);
  } else {
    manifest->header_error = data.status().code() == StatusCode::kNotFound
                                 ? std::string("missing")
                                 : data.status().ToString();
  }

  // The first component of the tmp folder (normally .tmp_blocks itself) was just recreated.
  std::string tmp_top = std::filesystem::path(options_.tmp_folder).begin()->string();
  DIR* d = ::opendir(dir->data_dir.c_str());
  if (d == nullptr) return ErrnoToStatus(errno, "opendir", dir->data_dir);
  RETURN_IF_ERROR(ForEachEntry(d, dir->data_dir, [&](std::string_view name, const struct stat& st) {
    if (name == tmp_top || name == kManifestFileName || name == kPackedFolder) return;
    BlockId id = 0;
    if (S_ISREG(st.st_mode) && ParseBlockId(name, &id)) {
      found->push_back(FoundBlock{id, static_cast<int64_t>(st.st_size), MtimeNs(st), {}});
      return;
    }
    // Anything else is not ours to keep (Alluxio deletes it too).
    RemoveGarbage(fmt::format("{}/{}", dir->data_dir, name), S_ISDIR(st.st_mode));
  }));

  // Packed files: <data dir>/.packed/<file id>. The folder is made by the first packed block (an
  // old or Alluxio dir has none).
  const std::string packed = fmt::format("{}/{}", dir->data_dir, kPackedFolder);
  d = ::opendir(packed.c_str());
  if (d == nullptr && errno == ENOENT) return Status::OK();
  if (d == nullptr && errno == ENOTDIR) {  // not ours: a file of that name
    RemoveGarbage(packed, false);
    return Status::OK();
  }
  if (d == nullptr) return ErrnoToStatus(errno, "opendir", packed);
  return ForEachEntry(d, packed, [&](std::string_view name, const struct stat& st) {
    FileId file_id = 0;
    if (S_ISREG(st.st_mode) && ParseBlockId(name, &file_id) &&
        BlockIndexOf(file_id) == kMaxBlockIndexInFile) {
      containers->push_back(FoundContainer{dir, file_id, fmt::format("{}/{}", packed, name),
                                           static_cast<int64_t>(st.st_size), MtimeNs(st)});
      return;
    }
    RemoveGarbage(fmt::format("{}/{}", packed, name), S_ISDIR(st.st_mode));
  });
}

void TieredBlockStore::RemoveGarbage(const std::string& path, bool is_dir) {
  Status s = is_dir ? env_->RemoveDirRecursively(path) : env_->RemoveFile(path);
  if (s.ok()) {
    recovery_.garbage_removed++;
  } else {
    spdlog::warn("Cannot delete {} from the block store: {}", path, s.ToString());
  }
}

void TieredBlockStore::ScanContainer(const FoundContainer& c,
                                     const std::vector<std::pair<BlockId, ManifestEntry>>& records,
                                     std::vector<FoundBlock>* found) {
  // The manifest is the truth for packed blocks: its COMMITs for this file's blocks at an offset.
  std::vector<FoundBlock> mine;
  for (const auto& [id, entry] : records) {
    mine.push_back(FoundBlock{id, entry.length, c.mtime_ns, entry.checksum, entry.offset});
  }
  // Block i sits at i x B: B from the block of the highest index, and blocks that disagree are
  // not what was committed.
  int64_t block_size = 0;
  int64_t top = 0;
  for (const FoundBlock& f : mine) {
    const int64_t i = BlockIndexOf(f.id);
    if (i > top && f.offset % i == 0) {
      top = i;
      block_size = f.offset / i;
    }
  }
  int fd = ::open(c.path.c_str(), O_RDONLY | O_CLOEXEC);
  for (const FoundBlock& f : mine) {
    std::string why;
    if (f.offset + f.length > c.size) {
      why = fmt::format("the container ends at {}", c.size);
    } else if (block_size > 0 ? f.offset != BlockIndexOf(f.id) * block_size
                              : f.offset != 0 || BlockIndexOf(f.id) != 0) {
      why = fmt::format("offset {} is not its place", f.offset);
    } else if (f.length > 0 && fd >= 0) {
      // A COMMIT whose REMOVE was lost: the range was punched.
      off_t data = ::lseek(fd, f.offset, SEEK_DATA);
      if (data < 0 || data >= f.offset + f.length) why = "its bytes were punched out";
    }
    if (!why.empty()) {
      spdlog::warn("Packed block {} in {}: {}; dropped", f.id, c.path, why);
      recovery_.dropped_corrupt++;
      continue;
    }
    found->push_back(f);
  }
  if (fd >= 0) ::close(fd);
}

void TieredBlockStore::SettleContainers(
    const std::vector<FoundContainer>& containers,
    const std::vector<std::pair<Dir*, const FoundBlock*>>& kept) {
  absl::flat_hash_map<std::pair<const Dir*, FileId>, std::vector<const FoundBlock*>> by_container;
  for (const auto& [dir, f] : kept) {
    if (f->offset != kOwnFile) by_container[{dir, FileIdOfBlock(f->id)}].push_back(f);
  }
  for (const FoundContainer& c : containers) {
    auto it = by_container.find({c.dir, c.file_id});
    if (it == by_container.end()) {
      RemoveGarbage(c.path, false);
      continue;
    }
    std::vector<const FoundBlock*>& blocks = it->second;
    std::sort(blocks.begin(), blocks.end(),
              [](const FoundBlock* a, const FoundBlock* b) { return a->offset < b->offset; });
    int64_t end = 0;  // bytes before it are covered or punched
    int64_t block_size = 0;
    for (const FoundBlock* f : blocks) {
      PunchRange(c.file_id, c.path, end, f->offset - end);
      end = f->offset + f->length;
      if (BlockIndexOf(f->id) > 0) block_size = f->offset / BlockIndexOf(f->id);
    }
    PunchRange(c.file_id, c.path, end, c.size - end);
    Container& container = containers_[c.file_id];
    container.dir = c.dir;
    container.block_size = block_size;
    // Only block 0 is here: the next writer's block size is taken if block 0 fits in it.
    if (block_size == 0) container.min_block_size = blocks.front()->length;
    container.users = static_cast<int>(blocks.size());
    container.mtime_ns = c.mtime_ns;
    AdoptMtimeLocked(container, c.path);  // our punches above are no change behind our back
  }
}

void TieredBlockStore::Recover() {
  auto start = std::chrono::steady_clock::now();
  struct Scan {
    Dir* dir = nullptr;
    std::vector<FoundBlock> found;
    ParsedManifest manifest;
  };
  std::vector<Scan> scans;
  std::vector<FoundContainer> containers;
  auto drop = [&](Dir* dir, const FoundBlock& f, int64_t* counter) {
    (*counter)++;
    if (f.offset != kOwnFile) return;  // SettleContainers punches what no kept block covers
    Status s = env_->RemoveFile(CommitPath(dir, f.id));
    if (!s.ok() && s.code() != StatusCode::kNotFound) {
      spdlog::warn("Cannot delete dropped block file {}: {}", CommitPath(dir, f.id), s.ToString());
    }
  };

  // 1. Scan each dir; a dir that cannot be scanned is lost storage.
  for (const auto& dir : dirs_) {
    Scan scan;
    scan.dir = dir.get();
    std::vector<FoundContainer> here;
    Status s = ScanDir(dir.get(), &scan.found, &scan.manifest, &here);
    if (!s.ok()) {
      spdlog::error("Storage dir {} of tier {} is lost: {}", dir->path, dir->tier_alias,
                    s.ToString());
      dir->lost = true;
      lost_[dir->tier_alias].push_back(dir->path);
      recovery_.dirs_lost++;
      continue;
    }
    if (!scan.manifest.header_error.empty() && scan.manifest.header_error != "missing") {
      spdlog::warn("Block manifest of {} is unreadable ({}); its blocks are kept unverified",
                   dir->data_dir, scan.manifest.header_error);
    } else if (scan.manifest.bad_records > 0 || scan.manifest.torn_bytes > 0) {
      spdlog::warn("Block manifest of {} has {} damaged records and {} torn bytes; it is rewritten",
                   dir->data_dir, scan.manifest.bad_records, scan.manifest.torn_bytes);
    }
    if (!here.empty()) {
      // The manifest's packed records by file, so that each container looks at its own only.
      absl::flat_hash_map<FileId, std::vector<std::pair<BlockId, ManifestEntry>>> packed;
      for (const auto& [id, entry] : scan.manifest.entries) {
        if (entry.offset != kOwnFile) packed[FileIdOfBlock(id)].emplace_back(id, entry);
      }
      const std::vector<std::pair<BlockId, ManifestEntry>> none;
      for (const FoundContainer& c : here) {
        auto it = packed.find(c.file_id);
        ScanContainer(c, it == packed.end() ? none : it->second, &scan.found);
      }
    }
    containers.insert(containers.end(), here.begin(), here.end());
    scans.push_back(std::move(scan));
  }

  // 2. Check each block against its manifest record: a length that differs means the file is
  // not what was committed (truncated, extended, replaced).
  for (Scan& scan : scans) {
    std::vector<FoundBlock> valid;
    valid.reserve(scan.found.size());
    for (FoundBlock& f : scan.found) {
      if (f.offset != kOwnFile) {  // adopted from its record (ScanContainer)
        if (options_.verify_checksums_on_open) {
          Result<ManifestEntry> actual =
              ChecksumRange(BlockPath(scan.dir, f.id, f.offset), f.offset, f.length);
          if (!actual.ok() || actual->checksum != *f.checksum || actual->length != f.length) {
            spdlog::warn("Packed block {} in {} fails its checksum; dropped", f.id,
                         scan.dir->data_dir);
            drop(scan.dir, f, &recovery_.dropped_corrupt);
            continue;
          }
        }
        valid.push_back(f);
        continue;
      }
      auto it = scan.manifest.entries.find(f.id);
      if (it != scan.manifest.entries.end() && it->second.offset == kOwnFile) {
        if (it->second.length != f.length) {
          spdlog::warn("Block {} in {} is {} bytes but was committed with {}; dropped", f.id,
                       scan.dir->data_dir, f.length, it->second.length);
          drop(scan.dir, f, &recovery_.dropped_corrupt);
          continue;
        }
        f.checksum = it->second.checksum;
        if (options_.verify_checksums_on_open) {
          Result<ManifestEntry> actual = ChecksumFile(env_, CommitPath(scan.dir, f.id));
          if (!actual.ok() || actual->checksum != *f.checksum || actual->length != f.length) {
            spdlog::warn("Block {} in {} fails its checksum; dropped", f.id, scan.dir->data_dir);
            drop(scan.dir, f, &recovery_.dropped_corrupt);
            continue;
          }
        }
      }
      valid.push_back(f);
    }
    scan.found = std::move(valid);
  }

  // 3. One copy per block: the one in the fastest tier (scans are in tier order). Two copies
  // only exist when a move was cut short; both are complete.
  absl::flat_hash_set<BlockId> seen;
  for (Scan& scan : scans) {
    std::vector<FoundBlock> unique;
    unique.reserve(scan.found.size());
    for (const FoundBlock& f : scan.found) {
      if (seen.insert(f.id).second) {
        unique.push_back(f);
      } else {
        spdlog::warn("Block {} in {} is also in a faster tier; dropped", f.id, scan.dir->data_dir);
        drop(scan.dir, f, &recovery_.dropped_duplicate);
      }
    }
    scan.found = std::move(unique);
  }

  // 4. Quotas: oldest first, a block that does not fit is dropped, not fatal (Alluxio #15171).
  struct Kept {
    Dir* dir;
    const FoundBlock* block;
  };
  std::vector<Kept> kept;
  for (Scan& scan : scans) {
    std::sort(scan.found.begin(), scan.found.end(), [](const FoundBlock& a, const FoundBlock& b) {
      return a.mtime_ns != b.mtime_ns ? a.mtime_ns < b.mtime_ns : a.id < b.id;
    });
    Dir* dir = scan.dir;
    std::vector<std::pair<BlockId, ManifestEntry>> verified;
    for (const FoundBlock& f : scan.found) {
      if (dir->committed_bytes + f.length > dir->capacity) {
        spdlog::warn(
            "Block {} is {} bytes, but only {} bytes are available in {} ({} quota {}); "
            "dropped",
            f.id, f.length, dir->capacity - dir->committed_bytes, dir->path, dir->tier_alias,
            dir->capacity);
        drop(dir, f, &recovery_.dropped_over_quota);
        continue;
      }
      dir->committed_bytes += f.length;
      dir->num_blocks++;
      kept.push_back(Kept{dir, &f});
      if (f.checksum) verified.emplace_back(f.id, ManifestEntry{f.length, *f.checksum, f.offset});
    }

    // 5. The manifest: keep appending to a healthy one, rewrite a damaged or bloated one, or one
    // of an older version (records are appended in the current one only).
    int64_t live = static_cast<int64_t>(verified.size());
    const ParsedManifest& pm = scan.manifest;
    Status s;
    if (pm.damaged() || pm.version != kManifestVersion || pm.records > 2 * live + kManifestSlack) {
      Result<std::unique_ptr<ManifestWriter>> w =
          ManifestWriter::Create(env_, dir->data_dir, verified);
      if (w.ok()) dir->manifest = *std::move(w);
      s = w.status();
    } else {
      Result<std::unique_ptr<ManifestWriter>> w =
          ManifestWriter::OpenExisting(env_, dir->data_dir, pm.records);
      if (w.ok()) dir->manifest = *std::move(w);
      s = w.status();
    }
    if (!s.ok()) {
      spdlog::warn(
          "Cannot write the block manifest of {}: {}; new blocks there cannot be "
          "verified after a restart",
          dir->data_dir, s.ToString());
    }
  }

  // Containers: punch what no kept block covers, delete empty ones, register the others.
  {
    std::vector<std::pair<Dir*, const FoundBlock*>> placed;
    placed.reserve(kept.size());
    for (const Kept& k : kept) placed.emplace_back(k.dir, k.block);
    SettleContainers(containers, placed);
  }

  // 6. Publish, oldest first, so that the eviction order starts from modification times.
  std::sort(kept.begin(), kept.end(), [](const Kept& a, const Kept& b) {
    return a.block->mtime_ns != b.block->mtime_ns ? a.block->mtime_ns < b.block->mtime_ns
                                                  : a.block->id < b.block->id;
  });
  blocks_.reserve(kept.size());
  for (const Kept& k : kept) {
    BlockMeta m;
    m.dir = k.dir;
    m.length = k.block->length;
    m.has_checksum = k.block->checksum.has_value();
    m.checksum = k.block->checksum.value_or(0);
    m.mtime_ns = k.block->mtime_ns;
    m.offset = k.block->offset;
    if (m.offset != kOwnFile) m.epoch = containers_[FileIdOfBlock(k.block->id)].epoch;
    m.generation = next_generation_++;
    blocks_.emplace(k.block->id, m);
    annotator_->Insert(k.block->id);
    recovery_.blocks++;
    recovery_.bytes += m.length;
    (m.has_checksum ? recovery_.verified : recovery_.unverified)++;
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  spdlog::info(
      "Block store opened in {} ms: {} blocks ({} bytes; {} with checksums), dropped {} corrupt, "
      "{} over quota, {} duplicate, removed {} other files, {} dirs lost",
      ms, recovery_.blocks, recovery_.bytes, recovery_.verified, recovery_.dropped_corrupt,
      recovery_.dropped_over_quota, recovery_.dropped_duplicate, recovery_.garbage_removed,
      recovery_.dirs_lost);
}

}  // namespace alluxio::worker
